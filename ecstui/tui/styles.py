"""Find the Textual CSS shipped as `ecstui.styles` (the top-level styles/ folder).

Installed wheels carry it as a package; an editable install or a source
checkout reads the folder next to the package. All files are joined into one
stylesheet, base.tcss first, so the named colours it defines reach every file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

BASE = "base.tcss"


def styles_dir() -> Path:
    try:
        root = resources.files("ecstui.styles")
        path = Path(str(root))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "styles"


def css_files() -> list[Path]:
    found = sorted(styles_dir().glob("*.tcss"), key=lambda p: (p.name != BASE, p.name))
    if not found:
        raise FileNotFoundError(f"no *.tcss files in {styles_dir()}; reinstall ecstui")
    return found


def load_css() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in css_files())
