"""The baseline for the launch benchmark: a bare Textual app showing the same table.

`python -m benchmarks._table_app` paints a DataTable with the columns and rows the
demo's main screen shows for the seeded world, data known at start (no sandbox, no
SDKs, no network), and quits on `q`. Launched the same way in tmux, it gives the
floor that Python, Textual and the terminal alone put under `ecstui --demo`.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer

from benchmarks._tmux import expected_rows


class TableApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable()
        table.add_columns("SERVICE", "ENV", "SHA")
        table.add_rows(expected_rows())
        yield table
        yield Footer()


if __name__ == "__main__":
    TableApp().run()
