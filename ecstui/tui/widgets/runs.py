"""Widgets of the GitHub half: the approvals badge, the approvals and runs tables.

They render rows from `ecstui.domain.runs_view` (the same the CLI prints) and
do no I/O. Colours come from component classes in styles/runs.tcss.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable, Static

from ecstui.core.approvals import ApprovalsOverview
from ecstui.domain.runs_view import ApprovalRow, RunRow


class ApprovalsBadge(Static):
    """On the main screen: how many runs wait for a reviewer (and how many you may approve).

    Follows `app.approvals` (the app's poll); hidden when no service names a repository.
    """

    def on_mount(self) -> None:
        from ecstui.tui.github import github_configured

        self.display = github_configured(self.app)
        if self.display:
            self.watch(self.app, "approvals", self.show)

    def show(self, overview: ApprovalsOverview | None) -> None:
        self.remove_class("-waiting", "-mine", "-unavailable")
        if overview is None:
            self.update("GitHub: checking approvals…")
            return
        if overview.unavailable:
            self.update(f"GitHub: {overview.unavailable}")
            self.add_class("-unavailable")
            return
        if overview.errors and not overview.approvals:
            self.update(f"GitHub: {overview.errors[0][1]}")
            self.add_class("-unavailable")
            return
        count, mine = overview.count, len(overview.mine)
        if count == 0:
            self.update("⏸ 0 approvals waiting · g: runs")
            return
        self.add_class("-waiting")
        if mine:
            self.add_class("-mine")
        self.update(f"⏸ {count} approval{'s' if count != 1 else ''} waiting "
                    f"({mine} you can approve) · g: runs & approvals")


class ApprovalsTable(DataTable[Text]):
    """One row per (run, environment) waiting; row keys are `run_id/environment`."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"approvals-table--mine",
                                                       "approvals-table--theirs"}
    HEADERS = ("RUN", "SERVICE", "ENV", "SHA", "TITLE", "WAITING", "TIMER", "REVIEWERS", "YOU")

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns(*self.HEADERS)

    def show(self, rows: Sequence[ApprovalRow]) -> None:
        keep = self.cursor_row
        self.clear()
        for r in rows:
            style = self.get_component_rich_style(
                "approvals-table--mine" if r.can_approve == "yes" else "approvals-table--theirs",
                partial=True)
            cells = (r.run_id, r.service, r.environment, r.sha, r.title, r.waiting, r.timer,
                     r.reviewers, "can approve" if r.can_approve == "yes" else "not a reviewer")
            self.add_row(*(Text(c, style=style) for c in cells), key=f"{r.run_id}/{r.environment}")
        if rows:
            self.move_cursor(row=min(keep, len(rows) - 1))

    @property
    def selected_key(self) -> str | None:
        if self.row_count == 0:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)


class RunsTable(DataTable[Text]):
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "runs-table--waiting", "runs-table--failed", "runs-table--running"}
    HEADERS = ("SERVICE", "RUN", "#", "WORKFLOW", "STATE", "SHA", "TITLE", "ACTOR", "AGE",
               "TOOK", "RUNNING IN")

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns(*self.HEADERS)

    def show(self, rows: Sequence[RunRow]) -> None:
        keep = self.cursor_row
        self.clear()
        for r in rows:
            name = ("runs-table--waiting" if r.waiting else "runs-table--failed" if r.failed
                    else "runs-table--running" if r.running_in != "-" else None)
            style = self.get_component_rich_style(name, partial=True) if name else ""
            cells = (r.service, r.run_id, r.number, r.workflow, r.state, r.sha, r.title, r.actor,
                     r.age, r.duration, r.running_in)
            self.add_row(*(Text(c, style=style) for c in cells), key=r.run_id)
        if rows:
            self.move_cursor(row=min(keep, len(rows) - 1))
