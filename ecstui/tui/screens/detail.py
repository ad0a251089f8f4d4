"""A service's detail: deployments, tasks (SHA, digest, health, AZ), recent events.

It follows `app.inventory`, so it refreshes with the main screen's loop and
never fetches on its own. `service` is the current Service (other screens, such
as a log view or a rollback confirmation, can act on it).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ecstui.domain.images import short_digest, short_sha
from ecstui.domain.inventory import Inventory, Service
from ecstui.domain.inventory_view import age, marker_text, markers, service_key


class DetailScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("r", "refresh", "Refresh", id="detail.refresh"),
        Binding("l", "logs", "Logs", id="detail.logs"),
        Binding("p", "promote", "Promote", id="detail.promote"),
        Binding("R", "rollback", "Rollback", key_display="R", id="detail.rollback"),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key  # environment/cluster/service
        self.service: Service | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        with VerticalScroll(id="detail-body"):
            yield Static(id="detail-summary")
            yield Static("Deployments", classes="section-title")
            yield DataTable(id="deployments", cursor_type="none", zebra_stripes=True)
            yield Static("Tasks", classes="section-title")
            yield DataTable(id="tasks", cursor_type="row", zebra_stripes=True)
            yield Static("Recent events", classes="section-title")
            yield Static(id="events")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deployments", DataTable).add_columns(
            "STATUS", "REV", "ROLLOUT", "RUNNING", "DESIRED", "PENDING", "FAILED", "AGE", "REASON"
        )
        self.query_one("#tasks", DataTable).add_columns(
            "TASK", "STATUS", "SHA", "DIGEST", "REV", "HEALTH", "AZ", "STARTED", "STOPPED REASON"
        )
        self.watch(self.app, "inventory", self._show)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_promote(self) -> None:
        """Promote this service to prod: plan, confirm, apply, watch (never one key)."""
        from ecstui.tui.screens.change import start_change

        start_change(self.app, "promote", self.service)

    def action_rollback(self) -> None:
        """Roll this service back: plan, confirm, apply, watch (never one key)."""
        from ecstui.tui.screens.change import start_change

        start_change(self.app, "rollback", self.service)

    def action_logs(self) -> None:
        """Open the live logs of this service."""
        if self.service is not None:
            from ecstui.tui.screens.logs import LogsScreen

            self.app.push_screen(LogsScreen(self.service))

    def action_refresh(self) -> None:
        self.app.main_screen.action_refresh()  # type: ignore[attr-defined]

    def _show(self, inventory: Inventory | None) -> None:
        found = (
            next((s for s in inventory.services if service_key(s) == self.key), None)
            if inventory else None
        )
        if found is None:
            self.query_one("#detail-title", Static).update(f"{self.key}: not found")
            return
        self.service = found
        now = self.app.now()  # type: ignore[attr-defined]
        self._summary(inventory, found, now)  # type: ignore[arg-type]
        self._deployments(found, now)
        self._tasks(found, now)
        self._events(found, now)

    def _summary(self, inventory: Inventory, service: Service, now: datetime) -> None:
        marks = markers(inventory, service)
        title = f"{service.name} · {service.environment} · cluster {service.cluster}"
        if marks:
            title += f"  {marker_text(marks)} {' '.join(marks)}"
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-title").set_class(bool(marks), "-attention")
        image = service.image
        defined = service.defined_image
        upstream = inventory.upstream_of(service)
        lines = [
            f"SHA        {service.sha or '-'}",
            f"digest     {service.digest or '-'}",
            f"image      {image.with_digest(None) if image else '-'}",
            f"task def   {service.definition_label}  (defines {defined or '-'})",
            f"tasks      {service.running_count} running / {service.desired_count} desired / "
            f"{service.pending_count} pending",
            f"rollout    {service.rollout_state or '-'}, deployed "
            f"{age(service.deployed_at, now)} ago"
            f"  · circuit breaker {'on' if service.circuit_breaker.enable else 'off'}"
            f"{' with rollback' if service.circuit_breaker.rollback else ''}",
        ]
        if upstream is not None:
            lines.append(f"{upstream.environment:<10} {upstream.sha or '-'}"
                         + ("  (prod is behind)" if inventory.behind(service) else "  (same SHA)"))
        if len(service.running_shas) > 1:
            lines.append("running    " + ", ".join(short_sha(s) if len(s) == 40 else
                                                    short_digest(s) for s in service.running_shas))
        self.query_one("#detail-summary", Static).update("\n".join(lines))

    def _deployments(self, service: Service, now: datetime) -> None:
        table = self.query_one("#deployments", DataTable)
        table.clear()
        for d in service.deployments:
            table.add_row(
                d.status, str(d.revision or "-"), d.rollout_state or "-", str(d.running_count),
                str(d.desired_count), str(d.pending_count), str(d.failed_tasks),
                age(d.created_at, now), d.rollout_state_reason or "",
            )

    def _tasks(self, service: Service, now: datetime) -> None:
        table = self.query_one("#tasks", DataTable)
        table.clear()
        for task in service.tasks:
            run = task.container(service.container_name)
            image = run.image if run else None
            sha = short_sha(image.sha) if image and image.sha else (image.tag or "-") if image \
                else "-"
            started = f"{age(task.started_at, now)} ago" if task.started_at else "-"
            revision = task.task_definition_arn.rsplit(":", 1)[-1]
            table.add_row(
                task.short_id, task.last_status, sha, short_digest(image.digest if image else None),
                revision, task.health_status, task.availability_zone or "-", started,
                Text(task.stopped_reason or "", overflow="ellipsis"),
            )

    def _events(self, service: Service, now: datetime) -> None:
        text = "\n".join(
            f"{age(e.created_at, now):>4} ago  {e.message}"
            for e in service.events[:10]
        )
        self.query_one("#events", Static).update(text or "No events.")
