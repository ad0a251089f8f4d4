"""Runs & approvals: what waits for a reviewer, recent runs, and where their SHAs run.

Loads in an exclusive async worker (PyGithub runs in threads inside the gateway,
so the screen never blocks) and re-arms itself with `set_timer`. Approvals come
from the app-wide poll (`app.approvals`). A review runs in an app-owned worker,
so leaving this screen never cancels a change to prod.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from ecstui.core.approvals import ApprovalsOverview
from ecstui.core.runs import RunsOverview
from ecstui.domain.runs import PendingApproval, PendingEnvironment, WorkflowRun
from ecstui.domain.runs_view import approval_rows, rate_limit_text, review_plan, run_row
from ecstui.errors import EcstuiError
from ecstui.tui.widgets.runs import ApprovalsTable, RunsTable

RELOAD_SECONDS = 15.0


@dataclass
class RunsLoaded(Message):
    overview: RunsOverview


@dataclass
class RunsFailed(Message):
    error: str


class RunsScreen(Screen[None]):
    """GitHub Actions runs of the configured repositories, and pending approvals."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="runs.back"),
        Binding("a", "approve", "Approve…", id="runs.approve"),
        Binding("x", "reject", "Reject…", id="runs.reject"),
        Binding("r", "refresh", "Refresh", id="runs.refresh"),
    ]

    overview: reactive[RunsOverview | None] = reactive(None, always_update=True)

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("Runs & approvals", id="runs-title")
        yield Static(id="runs-notice")
        yield Static("Waiting for review", classes="section-title")
        yield ApprovalsTable(id="approvals-table")
        yield Static("Recent runs", classes="section-title")
        yield RunsTable(id="runs-table")
        yield Static("loading…", id="runs-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#runs-notice").display = False
        self.query_one(ApprovalsTable).focus()
        self.watch(self.app, "approvals", self._show_approvals)
        self.load()

    # -- loading --------------------------------------------------------------------------

    @work(exclusive=True, group="runs", exit_on_error=False)
    async def load(self) -> None:
        from ecstui.core.runs import load_runs

        try:
            overview = await load_runs(self.app.workspace,  # type: ignore[attr-defined]
                                       inventory=self.app.inventory)  # type: ignore[attr-defined]
        except EcstuiError as error:
            self.post_message(RunsFailed(error.message))
        else:
            self.post_message(RunsLoaded(overview))

    def on_runs_loaded(self, message: RunsLoaded) -> None:
        self.overview = message.overview
        self._arm()

    def on_runs_failed(self, message: RunsFailed) -> None:
        self._notice(message.error)
        self._arm()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "runs" and event.state == WorkerState.ERROR:
            self._notice(f"{type(event.worker.error).__name__}: {event.worker.error}")
            self._arm()

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(RELOAD_SECONDS, self.load)

    def action_refresh(self) -> None:
        from ecstui.tui.github import poll_approvals

        poll_approvals(self.app, self.app.github_poll_seconds)  # type: ignore[attr-defined]
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- rendering ------------------------------------------------------------------------

    def _notice(self, text: str | None) -> None:
        notice = self.query_one("#runs-notice", Static)
        notice.update(text or "")
        notice.display = bool(text)

    def watch_overview(self, overview: RunsOverview | None) -> None:
        if overview is None:
            return
        now = self.app.now()  # type: ignore[attr-defined]
        errors = [f"{r.repository}: {r.error}" for r in overview.repositories if r.error]
        self._notice(overview.unavailable or "\n".join(errors) or None)
        rows = [run_row(run, r.service, overview.environments_of(run), now)
                for r in overview.repositories for run in r.runs]
        self.query_one(RunsTable).show(rows)
        who = f"you are @{overview.viewer} · " if overview.viewer else ""
        self.query_one("#runs-title", Static).update(
            f"Runs & approvals · {who}{len(overview.repositories)} repositories")
        self.query_one("#runs-status", Static).update(
            f"{len(rows)} runs · {rate_limit_text(overview.rate_limit, now)}")

    def _show_approvals(self, overview: ApprovalsOverview | None) -> None:
        if overview is None:
            return
        now = self.app.now()  # type: ignore[attr-defined]
        rows = [row for a in overview.approvals
                for row in approval_rows(a, a.run.repository.rsplit("/", 1)[-1], now)]
        self.query_one(ApprovalsTable).show(rows)
        if overview.unavailable:
            self._notice(overview.unavailable)

    # -- reviews --------------------------------------------------------------------------

    def selected_pending(self) -> tuple[PendingApproval, PendingEnvironment] | None:
        key = self.query_one(ApprovalsTable).selected_key
        approvals = self.app.approvals  # type: ignore[attr-defined]
        if key is None or approvals is None:
            return None
        run_id, _, env_name = key.partition("/")
        for approval in approvals.approvals:
            env = approval.environment(env_name)
            if str(approval.run.id) == run_id and env is not None:
                return approval, env
        return None

    @work(group="review-prompt", exit_on_error=False)
    async def action_approve(self) -> None:
        await self._review("approved")

    @work(group="review-prompt", exit_on_error=False)
    async def action_reject(self) -> None:
        await self._review("rejected")

    async def _review(self, state: str) -> None:
        from ecstui.tui.screens.review import ReviewScreen

        selected = self.selected_pending()
        if selected is None:
            self.notify("Select a run waiting for review first.", severity="warning")
            return
        approval, env = selected
        run = approval.run
        if not env.current_user_can_approve:
            self.notify(f"You are not a required reviewer of {env.name} in {run.repository}; "
                        f"ask {env.reviewer_names}.", title="Cannot review", severity="error",
                        timeout=10)
            return
        comment = await self.app.push_screen_wait(
            ReviewScreen(review_plan(run, env.name, state), state))
        if comment is None:
            return
        # App-owned and not exclusive: navigation never cancels a change to prod.
        self.app.run_worker(send_review(self.app, run, env.name, state, comment),
                            group="review", exit_on_error=False)


async def send_review(app, run: WorkflowRun, environment: str, state: str,  # type: ignore[no-untyped-def]
                      comment: str) -> None:
    """Send the review, say what happened, and refresh what it changes."""
    from ecstui.core.approvals import review
    from ecstui.tui.github import poll_approvals

    try:
        result = await review(app.workspace, run.id, environment, state, comment)
    except EcstuiError as error:
        app.notify(error.message, title="Review failed", severity="error", timeout=10)
        return
    if result.state == "approved":
        app.notify(f"Approved run {run.id} ({run.repository}) for {environment}; the "
                   f"deployment of {run.head_sha[:7]} starts.", title="Approved", timeout=8)
    else:
        app.notify(f"Rejected run {run.id} ({run.repository}) for {environment}.",
                   title="Rejected", timeout=8)
    poll_approvals(app, app.github_poll_seconds)
    app.main_screen.action_refresh()
    for screen in app.screen_stack:
        if isinstance(screen, RunsScreen):
            screen.load()
