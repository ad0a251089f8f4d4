"""Find the Textual CSS: the top-level styles/ folder, reached as `ecstui/styles`.

`ecstui/styles` is a symlink to `styles/` in a checkout (and an editable
install); a wheel carries the files themselves there. All files are joined into
one stylesheet, base.tcss first, so the named colours it defines reach every file.
"""

from __future__ import annotations

from pathlib import Path

BASE = "base.tcss"


def styles_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "styles"


def css_files() -> list[Path]:
    found = sorted(styles_dir().glob("*.tcss"), key=lambda p: (p.name != BASE, p.name))
    if not found:
        raise FileNotFoundError(f"no *.tcss files in {styles_dir()}; reinstall ecstui")
    return found


def load_css() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in css_files())
