"""The app-wide GitHub approvals poll behind the main screen's pending-approvals count.

One async worker on the app (the gateway runs PyGithub in threads, so the event
loop never blocks), re-armed with `set_timer` after each answer so polls never
overlap; its ETag'd requests cost nothing against the rate limit when nothing
changed. It posts `ApprovalsLoaded` to the app, which sets `app.approvals`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from ecstui.core.approvals import ApprovalsOverview
from ecstui.errors import EcstuiError

if TYPE_CHECKING:
    from textual.app import App

POLL_SECONDS = 30.0


@dataclass
class ApprovalsLoaded(Message):
    """The approvals poll answered (errors and a missing token travel inside)."""

    overview: ApprovalsOverview


def github_configured(app: App[object]) -> bool:
    """True when some configured service names a GitHub repository."""
    services = app.workspace.settings.services  # type: ignore[attr-defined]
    return any(s.repository for s in services.values())


def poll_approvals(app: App[object], seconds: float = POLL_SECONDS) -> None:
    """Load approvals now, then again `seconds` after each answer (one chain per app:
    calling this early, e.g. after a review, replaces the pending timer)."""
    from ecstui.core.approvals import list_approvals

    pending = getattr(app, "_approvals_timer", None)
    if pending is not None:
        pending.stop()

    async def load() -> None:
        try:
            overview = await list_approvals(app.workspace)  # type: ignore[attr-defined]
        except EcstuiError as error:
            overview = ApprovalsOverview(errors=(("github", error.message),))
        app.post_message(ApprovalsLoaded(overview))
        app._approvals_timer = app.set_timer(  # type: ignore[attr-defined]
            seconds, lambda: poll_approvals(app, seconds))

    app.run_worker(load(), group="approvals", exclusive=True, exit_on_error=False)
