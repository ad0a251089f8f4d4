"""Shared output for CLI commands: aligned tables for people, stable JSON for scripts.

Generic on purpose (status, runs, approvals and audit all use it). Colour only
when writing to a terminal and NO_COLOR is unset; JSON never has colour.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

OUTPUT_FORMATS = ("table", "json")

# ANSI styles by name; keep to a few, readable on dark and light terminals.
STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}


def add_output_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", "-o", choices=OUTPUT_FORMATS, default="table",
        help="table for people (default), json for scripts",
    )


def use_color(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def style(text: str, *names: str, color: bool) -> str:
    if not color or not names:
        return text
    codes = ";".join(STYLES[n] for n in names if n in STYLES)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def width(text: str) -> int:
    """Display width: wide characters take two cells, combining marks none."""
    cells = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        cells += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return cells


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    color: bool = False,
    row_styles: Sequence[Sequence[str]] | None = None,
    gap: int = 2,
) -> str:
    """Columns aligned by display width; the header bold when colour is on."""
    body = [[str(cell) for cell in row] for row in rows]
    widths = [width(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], width(cell))
    lines = []
    spacer = " " * gap

    def line(cells: Sequence[str], styles: Sequence[str]) -> str:
        padded = [c + " " * (widths[i] - width(c)) for i, c in enumerate(cells)]
        return style(spacer.join(padded).rstrip(), *styles, color=color)

    lines.append(line(headers, ("bold",)))
    for index, row in enumerate(body):
        lines.append(line(row, row_styles[index] if row_styles else ()))
    return "\n".join(lines)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(document: Any) -> str:
    """Stable JSON: two-space indent, keys in the order the document defines them."""
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default)


def print_json(document: Any, stream: TextIO | None = None) -> None:
    print(dumps(document), file=stream or sys.stdout)
