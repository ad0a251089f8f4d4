"""Run every benchmark module and write BENCHMARKS.md.

A benchmark is a module in this package (not starting with `_`) with a
`run() -> str` returning a Markdown section. `python -m benchmarks inventory`
runs only the named modules; the file then keeps the other sections' last text.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import benchmarks

OUT = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
MARK = "<!-- section: {} -->"


def modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.iter_modules(benchmarks.__path__)
        if not info.name.startswith("_")
    )


def previous_sections() -> dict[str, str]:
    if not OUT.is_file():
        return {}
    parts = re.split(r"<!-- section: ([\w-]+) -->\n", OUT.read_text(encoding="utf-8"))
    return {parts[i]: parts[i + 1].rstrip() for i in range(1, len(parts) - 1, 2)}


def main(argv: list[str]) -> int:
    wanted = argv or modules()
    unknown = set(wanted) - set(modules())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {modules()}",
              file=sys.stderr)
        return 2
    sections = previous_sections()
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        sections[name] = module.run().rstrip()
        print(f"== {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` (`python -m benchmarks`) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}. Each section says how it measures.\n"
    )
    body = "\n\n".join(f"{MARK.format(n)}\n{sections[n]}" for n in modules() if n in sections)
    OUT.write_text(header + "\n" + body + "\n", encoding="utf-8")
    print(f"wrote {OUT.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
