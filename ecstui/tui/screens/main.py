"""The main screen: every service in every environment, refreshed on its own.

The inventory loads in an exclusive worker; when it finishes (or fails) the
next refresh is armed with `set_timer`, so slow calls never overlap. Errors of
one environment show in the banner and the rest of the table stays useful.
"""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from ecstui.domain.inventory import Inventory, Service
from ecstui.domain.inventory_view import ServiceRow, duration, rows, service_key
from ecstui.errors import EcstuiError
from ecstui.tui.messages import InventoryFailed, InventoryLoaded
from ecstui.tui.widgets.inventory import EnvironmentBar, ServiceTable
from ecstui.tui.widgets.runs import ApprovalsBadge

SORTS: dict[str, tuple[str, object]] = {
    "service": ("service", lambda r: (r.name, r.environment)),
    "environment": ("environment", lambda r: (r.environment, r.name)),
    "attention": ("attention", lambda r: (-len(r.markers), r.name, r.environment)),
    "rollout": ("rollout", lambda r: (r.rollout, r.name, r.environment)),
}
STALE_AFTER_REFRESHES = 3  # data older than this many intervals is marked stale


class MainScreen(Screen[None]):
    """Services across environments: SHA, digest, tasks, rollout, markers."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/", priority=True, id="main.filter"),
        Binding("s", "sort", "Sort", id="main.sort"),
        Binding("r", "refresh", "Refresh", id="main.refresh"),
        Binding("l", "logs", "Logs", id="main.logs"),
        Binding("p", "promote", "Promote", id="main.promote"),
        Binding("R", "rollback", "Rollback", key_display="R", id="main.rollback"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="main.clear-filter"),
    ]

    # Focus the table from compose on: keys typed while the screen mounts (e.g. `q` while
    # `--demo` starts) must not land in the hidden filter input and empty the table.
    AUTO_FOCUS = "#services"

    inventory: reactive[Inventory | None] = reactive(None, always_update=True)
    filter_text: reactive[str] = reactive("")
    sort_key: reactive[str] = reactive("service")
    updated_at: reactive[datetime | None] = reactive(None)
    load_error: reactive[str | None] = reactive(None)  # the last refresh's failure, if any

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._rows: list[ServiceRow] = []

    def compose(self) -> ComposeResult:
        yield EnvironmentBar(id="environments")
        yield Static(id="banner")
        with Vertical(id="main-body"):
            field = Input(placeholder="filter: service, environment, SHA…", id="filter")
            field.display = False  # shown by `/`
            yield field
            yield ServiceTable(id="services")
        yield Static(id="status-line")
        yield ApprovalsBadge(id="approvals-badge")  # hidden unless GitHub is configured
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#banner").display = False
        self.query_one(ServiceTable).focus()
        self.query_one(EnvironmentBar).show(None, self.app.now())  # type: ignore[attr-defined]
        self.set_interval(1.0, self._tick)
        # The first load (signing in is CPU work in this event loop) starts once the
        # loading state is on screen, so the first frame does not wait for it.
        self.call_after_refresh(self.load)

    # -- loading ------------------------------------------------------------------------

    @work(exclusive=True, group="inventory", exit_on_error=False)
    async def load(self) -> None:
        try:
            inventory = await self.app.load_inventory(self.inventory)  # type: ignore[attr-defined]
        except EcstuiError as error:
            self.post_message(InventoryFailed(error.message))
        else:
            self.post_message(InventoryLoaded(inventory))

    def on_inventory_loaded(self, message: InventoryLoaded) -> None:
        self.updated_at = self.app.now()  # type: ignore[attr-defined]
        self.load_error = None
        self.inventory = message.inventory
        self.app.inventory = message.inventory  # type: ignore[attr-defined]
        self._arm()

    def on_inventory_failed(self, message: InventoryFailed) -> None:
        self.load_error = message.error
        self.notify(message.error, title="Refresh failed", severity="error", timeout=8)
        self._arm()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in a load must not stop the refresh loop or the app: it fails like any
        other load (and the app hears of it, as of every load's outcome)."""
        if event.worker.group == "inventory" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self.post_message(InventoryFailed(f"{type(error).__name__}: {error}"))

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.app.refresh_seconds, self.load)  # type: ignore[attr-defined]

    def action_refresh(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.load()

    # -- rendering ----------------------------------------------------------------------

    def watch_inventory(self, inventory: Inventory | None) -> None:
        now = self.app.now()  # type: ignore[attr-defined]
        self.query_one(EnvironmentBar).show(inventory, now)
        self._rows = rows(inventory, now) if inventory else []
        self._show_rows()
        self._show_banner(inventory, now)
        self._tick()

    def watch_filter_text(self) -> None:
        self._show_rows()

    def watch_sort_key(self) -> None:
        self._show_rows()

    def visible_rows(self) -> list[ServiceRow]:
        words = self.filter_text.lower().split()
        found = [
            r for r in self._rows
            if all(w in f"{r.name} {r.environment} {r.cluster} {r.sha} {r.digest} "
                   f"{r.rollout} {' '.join(r.markers)}".lower() for w in words)
        ]
        return sorted(found, key=SORTS[self.sort_key][1])  # type: ignore[arg-type]

    def _show_rows(self) -> None:
        if self.is_mounted:
            self.query_one(ServiceTable).show(self.visible_rows())
            self._tick()

    def _show_banner(self, inventory: Inventory | None, now: datetime) -> None:
        banner = self.query_one("#banner", Static)
        lines = []
        for env in inventory.environments if inventory else ():
            if env.error:
                when = duration((now - env.fetched_at).total_seconds()) + " ago" \
                    if env.fetched_at else "never"
                lines.append(f"{env.name}: {env.error} (last good data: {when})")
            for cluster, error in env.cluster_errors:
                at = env.data_time(cluster)
                when = duration((now - at).total_seconds()) + " ago" if at else "never"
                lines.append(f"{env.name}/{cluster}: {error} (last good data: {when})")
        banner.update("\n".join(lines))
        banner.display = bool(lines)

    def _tick(self) -> None:
        """The status line: how old the data is, and a stale marker when it is too old."""
        line = self.query_one("#status-line", Static)
        now = self.app.now()  # type: ignore[attr-defined]
        shown = len(self.visible_rows())
        parts = [f"{shown}/{len(self._rows)} services", f"sort: {self.sort_key}"]
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        stale = False
        if self.updated_at is None:
            # Never "loading…" forever: a first load that failed says so (the notice fades).
            if self.load_error:
                stale = True
                parts.insert(0, f"no data: {self.load_error} (retrying; r to retry now)")
            else:
                parts.insert(0, "loading…")
        else:
            seconds = (now - self.updated_at).total_seconds()
            parts.insert(0, f"updated {duration(seconds)} ago")
            limit = STALE_AFTER_REFRESHES * self.app.refresh_seconds  # type: ignore[attr-defined]
            stale = seconds > limit or bool(self.inventory and any(
                e.stale for e in self.inventory.environments))
            if self.load_error:
                stale = True
                parts.insert(1, "last refresh failed")
            if stale:
                parts.insert(1, "STALE")
        line.update(" · ".join(parts))
        line.set_class(stale, "-stale")

    # -- actions --------------------------------------------------------------------------

    @property
    def selected_service(self) -> Service | None:
        """The service under the cursor (other screens act on it)."""
        key = self.query_one(ServiceTable).selected_key
        if key is None or self.inventory is None:
            return None
        return next((s for s in self.inventory.services if service_key(s) == key), None)

    def action_open(self) -> None:
        service = self.selected_service
        if service is not None:
            self.open_detail(service)

    def action_promote(self) -> None:
        """Promote this service to prod: plan, confirm, apply, watch (never one key)."""
        from ecstui.tui.screens.change import start_change

        start_change(self.app, "promote", self.selected_service)

    def action_rollback(self) -> None:
        """Roll this service back: plan, confirm, apply, watch (never one key)."""
        from ecstui.tui.screens.change import start_change

        start_change(self.app, "rollback", self.selected_service)

    def action_logs(self) -> None:
        """Open the live logs of the service under the cursor."""
        service = self.selected_service
        if service is not None:
            from ecstui.tui.screens.logs import LogsScreen

            self.app.push_screen(LogsScreen(service))

    def open_detail(self, service: Service) -> None:
        from ecstui.tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(service_key(service)))

    @on(DataTable.RowSelected, "#services")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(ServiceTable).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.filter_text = ""
        self.query_one(ServiceTable).focus()

    def action_sort(self) -> None:
        keys = list(SORTS)
        self.sort_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]

    def palette_commands(self) -> list[SystemCommand]:
        """One palette command per service: "Open my-app (prod)"."""
        if self.inventory is None:
            return []
        return [
            SystemCommand(f"Open {s.name} ({s.environment})",
                          f"details of {s.name} in cluster {s.cluster}",
                          lambda s=s: self.open_detail(s))
            for s in self.inventory.services
        ]
