"""Widgets of the inventory: the environment bar and the services table.

They render rows built by `ecstui.domain.inventory_view` (the same rows the CLI
prints) and do no I/O. Colours come from component classes styled in
styles/inventory.tcss, never from inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from ecstui.domain.inventory import Inventory
from ecstui.domain.inventory_view import ServiceRow, identity_text

COLUMNS: tuple[tuple[str, str], ...] = (
    ("service", "SERVICE"),
    ("environment", "ENV"),
    ("sha", "SHA"),
    ("digest", "DIGEST"),
    ("tasks", "TASKS"),
    ("rollout", "ROLLOUT"),
    ("age", "AGE"),
    ("revision", "REV"),
    ("flags", "FLAGS"),
)


class EnvironmentBar(Static):
    """Each environment's caller identity and session expiry, in one line."""

    def show(self, inventory: Inventory | None, now: datetime) -> None:
        if inventory is None:
            self.update("ecstui · loading…")
            return
        text = Text("ecstui", style="bold")
        for env in inventory.environments:
            style = self.get_component_rich_style(
                "environment-bar--error" if env.stale else "environment-bar--ok", partial=True
            )
            text.append("  │  ")
            text.append(identity_text(env, now, compact=True), style=style)
        self.update(text)

    COMPONENT_CLASSES = {"environment-bar--ok", "environment-bar--error"}


class ServiceTable(DataTable[Text]):
    """Services across environments; row keys are `env/cluster/service`."""

    BINDINGS = [Binding("enter", "select_cursor", "Detail", id="main.open")]

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "service-table--behind",
        "service-table--mixed",
        "service-table--mutable-tag",
        "service-table--failed",
        "service-table--stale",
        "service-table--in-flight",
        "service-table--muted",
    }

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"service-table--{name}", partial=True)

    def _cells(self, row: ServiceRow) -> list[Text]:
        marks = set(row.markers)
        none = Style()

        def when(*names: str) -> Style:
            return next((self._style(n) for n in names if n in marks), none)

        running, desired = row.tasks.split("/")
        rollout = {"FAILED": "failed", "IN_PROGRESS": "in-flight"}.get(row.rollout)
        return [
            Text(row.name, style=when("stale")),
            Text(row.environment),
            Text(row.sha, style=when("mutable-tag", "behind", "mixed")),
            Text(row.digest, style=self._style("muted")),
            Text(row.tasks, style=self._style("mixed") if running != desired else none,
                 justify="right"),
            Text(row.rollout, style=self._style(rollout) if rollout else none),
            Text(row.age, justify="right"),
            Text(row.revision, justify="right"),
            Text(row.flags, style=when("failed", "behind", "mixed", "mutable-tag", "in-flight",
                                       "stale")),
        ]

    def show(self, rows: Sequence[ServiceRow], keep: str | None = None) -> None:
        """Replace the rows, keeping the cursor on the same service when it is still there."""
        keep = keep or self.selected_key
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row), key=row.key)
        keys = [r.key for r in rows]
        if keep in keys:
            self.move_cursor(row=keys.index(keep), animate=False)

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # the cursor is outside the (new) rows
            return None
        return str(key.value) if key.value is not None else None
