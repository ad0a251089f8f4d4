"""Promote and rollback in the TUI: plan, confirm (before/after diff), apply, live rollout.

The whole flow runs in one worker on the *app*, group `prod-change`, never
exclusive: leaving a screen or selecting another service never cancels a change
to production. The worker keeps its state in a `ChangeRun`; the rollout screen
renders that state while it is shown, and can be left and reopened (`w`).
The confirmation shows `plan.render()`, the same text as the CLI; for a protected
environment the Apply button stays disabled until the service name is typed.
"""

from __future__ import annotations

import weakref
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Footer, Input, ProgressBar, RichLog, Static

from ecstui.domain.inventory import Service
from ecstui.domain.rollout import RolloutProgress, RolloutState
from ecstui.errors import EcstuiError

if TYPE_CHECKING:
    from ecstui.core.changes import Applied
    from ecstui.domain.plans import Plan

WORKER_GROUP = "prod-change"
# The changes each app started (the worker writes them, rollout screens read them).
_RUNS: weakref.WeakKeyDictionary[App[Any], list[ChangeRun]] = weakref.WeakKeyDictionary()


@dataclass
class ChangeRun:
    """One change's state, written by the worker, read by the rollout screen."""

    kind: str  # promote | rollback
    service: Service
    plan: Plan | None = None
    applied: Applied | None = None
    progress: list[RolloutProgress] = field(default_factory=list)
    error: str | None = None
    status: str = "planning"  # planning, confirming, cancelled, applying, watching, done, error

    @property
    def last(self) -> RolloutProgress | None:
        return self.progress[-1] if self.progress else None

    @property
    def finished(self) -> bool:
        return self.status in ("cancelled", "done", "error")


def plan_text(plan: Plan) -> Text:
    """`plan.render()` with the diff and the check marks coloured."""
    text = Text()
    for line in plan.render().splitlines():
        style = ""
        if line.startswith("  - "):
            style = "red"
        elif line.startswith("  + "):
            style = "green"
        elif "[FAIL]" in line or line.startswith("REFUSED"):
            style = "bold red"
        elif "[warn]" in line:
            style = "yellow"
        elif line.startswith("Ready"):
            style = "bold"
        text.append(line + "\n", style=style)
    return text


class ConfirmChangeScreen(ModalScreen[bool]):
    """The plan as a before/after diff; Apply needs the service name for a protected env."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="change.cancel")]

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="change-dialog"):
            yield Static(plan.title(), id="change-title")
            with VerticalScroll(id="change-plan"):
                yield Static(plan_text(plan), id="change-plan-text")
            if plan.ok and plan.protected:
                yield Static(f"{plan.environment} is protected: type {plan.service} to "
                             f"{plan.action}.", id="change-prompt")
                yield Input(placeholder=plan.service, id="change-name")
            yield Static("", id="change-hint")
            with Horizontal(id="change-buttons"):
                if plan.ok:
                    yield Button(plan.action.capitalize(), id="change-apply", variant="error",
                                 disabled=plan.protected)
                yield Button("Cancel", id="change-cancel")

    def on_mount(self) -> None:
        if not self.plan.ok:
            self.add_class("-refused")
            self.query_one("#change-hint", Static).update(self.plan.refusal or "")
            self.query_one("#change-cancel").focus()
        elif self.plan.protected:
            self.query_one("#change-name").focus()
        else:
            self.query_one("#change-cancel").focus()  # never a single key to apply

    @property
    def name_matches(self) -> bool:
        if not self.plan.protected:
            return True
        return self.query_one("#change-name", Input).value.strip() == self.plan.service

    @on(Input.Changed, "#change-name")
    def _typed(self) -> None:
        self.query_one("#change-apply", Button).disabled = not self.name_matches
        self.query_one("#change-hint", Static).update("")

    @on(Input.Submitted, "#change-name")
    def _submitted(self) -> None:
        if self.name_matches:
            self.dismiss(True)
        else:
            self.query_one("#change-hint", Static).update(
                f"That is not {self.plan.service!r}; nothing will change.")

    @on(Button.Pressed, "#change-apply")
    def _apply(self) -> None:
        if self.plan.ok and self.name_matches:
            self.dismiss(True)

    @on(Button.Pressed, "#change-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


@dataclass(frozen=True)
class PromoteOptions:
    sha: str | None  # None: what pre-prod runs
    force: bool = False


class PromoteOptionsScreen(ModalScreen[PromoteOptions | None]):
    """Which SHA to promote: empty means what pre-prod runs (the usual case: just enter)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="promote-options.cancel")]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service

    def compose(self) -> ComposeResult:
        with Vertical(id="promote-options"):
            yield Static(f"Promote {self.service.name} to prod", id="change-title")
            yield Input(placeholder="SHA (empty: what pre-prod runs)", id="promote-sha")
            yield Checkbox("force: promote this SHA even if pre-prod does not run it healthy",
                           id="promote-force")
            yield Static("", id="change-hint")
            with Horizontal(id="change-buttons"):
                yield Button("Plan", id="promote-plan", variant="primary")
                yield Button("Cancel", id="change-cancel")

    def on_mount(self) -> None:
        self.query_one("#promote-sha").focus()

    @on(Input.Submitted, "#promote-sha")
    @on(Button.Pressed, "#promote-plan")
    def _plan(self) -> None:
        sha = self.query_one("#promote-sha", Input).value.strip() or None
        force = self.query_one("#promote-force", Checkbox).value
        if force and sha is None:
            self.query_one("#change-hint", Static).update("--force needs an explicit SHA.")
            return
        self.dismiss(PromoteOptions(sha, force))

    @on(Button.Pressed, "#change-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class RolloutScreen(Screen[None]):
    """The live rollout panel of one change, fed by the same events as the CLI's bar."""

    BINDINGS = [Binding("escape", "back", "Back (keeps the rollout going)", id="rollout.back")]

    def __init__(self, run: ChangeRun) -> None:
        super().__init__()
        self.change = run
        self._shown_events = 0
        self._reasons_shown = False

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="rollout-title")
        yield ProgressBar(total=100, show_eta=False, id="rollout-bar")
        yield Static("", id="rollout-status")
        yield Static("", id="rollout-deployments")
        yield RichLog(id="rollout-events", wrap=True, markup=False)
        yield Footer()

    def _title(self) -> str:
        plan = self.change.plan
        return plan.title() if plan else f"{self.change.kind} {self.change.service.name}"

    def on_mount(self) -> None:
        self.set_interval(0.25, self.render_run)
        self.render_run()

    def render_run(self) -> None:
        run = self.change
        last = run.last
        status = self.query_one("#rollout-status", Static)
        bar = self.query_one("#rollout-bar", ProgressBar)
        self.set_class(run.status == "error" or (last is not None and last.state in (
            RolloutState.FAILED, RolloutState.TIMED_OUT)), "-failed")
        self.set_class(last is not None and last.state is RolloutState.SUCCEEDED, "-succeeded")
        if run.error:
            status.update(f"{run.status}: {run.error}")
        elif last is None:
            status.update(f"{run.status}…")
        else:
            status.update(f"{last.state} · {int(last.elapsed)} s · {last.message}")
            bar.update(progress=100 * last.fraction)
            lines = [line for line in last.lines()[1:]
                     if not line.lstrip().startswith(("event:", "stopped:"))]
            self.query_one("#rollout-deployments", Static).update("\n".join(lines) or "-")
        log = self.query_one("#rollout-events", RichLog)
        events = [e for p in run.progress for e in p.new_events]
        for event in events[self._shown_events:]:
            log.write(f"{event.created_at:%H:%M:%S}  {event.message}")
        self._shown_events = len(events)
        if last is not None and last.done and last.stopped_reasons and not self._reasons_shown:
            self._reasons_shown = True
            for reason in last.stopped_reasons:
                log.write(f"stopped: {reason}")

    def action_back(self) -> None:
        if not self.change.finished:
            self.notify("The rollout goes on; ecstui keeps watching it.", timeout=4)
        self.app.pop_screen()


def start_change(app: App[Any], kind: str, service: Service | None) -> ChangeRun | None:
    """Begin a promote or rollback of `service` in a worker navigation never cancels."""
    if service is None:
        app.notify("Select a service first.", severity="warning")
        return None
    run = ChangeRun(kind, service)
    _RUNS.setdefault(app, []).append(run)
    app.run_worker(_flow(app, run), group=WORKER_GROUP, exclusive=False,
                   exit_on_error=False, name=f"{kind} {service.name}")
    return run


async def _flow(app: App[Any], run: ChangeRun) -> None:
    workspace = app.workspace  # type: ignore[attr-defined]
    service = run.service
    try:
        if run.kind == "promote":
            from ecstui.core.promote import apply_promote, plan_promote

            options = await app.push_screen_wait(PromoteOptionsScreen(service))
            if options is None:
                run.status = "cancelled"
                return
            app.notify(f"Planning the promote of {service.name}…", timeout=3)
            plan = await plan_promote(workspace, service.name, sha=options.sha,
                                      force=options.force)
            apply = apply_promote
        else:
            from ecstui.core.rollback import apply_rollback, plan_rollback

            app.notify(f"Planning the rollback of {service.name}…", timeout=3)
            plan = await plan_rollback(workspace, service.name, env=service.environment)
            apply = apply_rollback  # type: ignore[assignment]
        run.plan = plan
        run.status = "confirming"
        if not await app.push_screen_wait(ConfirmChangeScreen(plan)) or not plan.ok:
            run.status = "cancelled"
            app.notify(f"{plan.title()}: cancelled; nothing was changed.", timeout=4)
            return
        run.status = "applying"
        await app.push_screen(RolloutScreen(run))
        run.applied = await apply(workspace, plan)  # type: ignore[arg-type]
        run.status = "watching"
        from ecstui.core.changes import watch

        async with aclosing(watch(workspace, run.applied)) as events:
            async for progress in events:
                run.progress.append(progress)
        run.status = "done"
        last = run.last
        if last is not None:
            severity = "information" if last.state is RolloutState.SUCCEEDED else "error"
            app.notify(f"{plan.title()}: {last.state}: {last.message}", severity=severity,
                       timeout=8)
    except EcstuiError as error:
        run.error, run.status = error.message, "error"
        app.notify(error.message, severity="error", timeout=10)


def reopen_rollout(app: App[Any]) -> None:
    """Show the latest change's rollout panel again."""
    runs = _RUNS.get(app, [])
    if not runs or runs[-1].plan is None or runs[-1].status in ("planning", "confirming"):
        app.notify("No rollout to show.", timeout=3)
        return
    app.push_screen(RolloutScreen(runs[-1]))
