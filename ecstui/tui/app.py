"""The Textual app: a small shell that owns the workspace, the clock and the inventory.

Screens plug in around it. Extension points for other screens:
- `app.workspace`: the same Workspace the CLI uses (AWS sessions, settings);
- `app.inventory` (reactive): the latest Inventory; watch it with
  `self.watch(self.app, "inventory", callback)`;
- `app.main_screen.selected_service`: the Service under the cursor;
- `app.now()`: the clock (frozen in snapshot tests);
- bindings: add one `Binding(...)` line to a screen's BINDINGS with an `id` and a
  description; it shows in the footer, the help screen and the command palette.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from ecstui.core.approvals import ApprovalsOverview
from ecstui.core.workspace import Workspace
from ecstui.domain.inventory import Inventory
from ecstui.tui.github import ApprovalsLoaded, github_configured, poll_approvals
from ecstui.tui.messages import InventoryFailed, InventoryLoaded
from ecstui.tui.styles import load_css

Loader = Callable[[Inventory | None], Awaitable[Inventory]]
APPROVALS_AT_LATEST = 3.0  # seconds after start: the approvals poll waits no longer
Clock = Callable[[], datetime]
REFRESH_SECONDS = 10.0


def preload_screens() -> None:
    """Import the first screen and the inventory core now (the app imports them on first
    use): `--demo` does it while its sandbox starts on the other core."""
    import ecstui.core.inventory  # noqa: F401
    import ecstui.tui.screens.main  # noqa: F401


class EcstuiApp(App[int]):
    """ecstui's terminal UI."""

    TITLE = "ecstui"
    CSS = load_css()
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit-ctrl-c"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("g", "runs", "Runs & approvals", id="app.runs"),
    ]

    inventory: reactive[Inventory | None] = reactive(None, always_update=True)
    # The GitHub approvals poll (ecstui.tui.github); None until the first answer.
    approvals: reactive[ApprovalsOverview | None] = reactive(None, always_update=True)
    github_poll_seconds = 30.0

    def __init__(
        self,
        workspace: Workspace,
        *,
        env: str | None = None,
        service: str | None = None,
        loader: Loader | None = None,
        clock: Clock | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.env, self.service = env, service
        self._loader = loader
        # Awaited before every inventory load: `--demo` opens the TUI while its sandbox
        # is still seeding the world, so the first load waits instead of failing.
        # (Not `_ready`: that name is Textual's start-up hook.)
        self._world_ready = ready
        self._clock = clock
        self.refresh_seconds = refresh_seconds
        self._approvals_started = False

    def now(self) -> datetime:
        return self._clock() if self._clock else datetime.now(UTC)

    async def load_inventory(self, previous: Inventory | None) -> Inventory:
        """Where the data comes from: the core use case, or an injected loader in tests."""
        if self._world_ready is not None:
            warming = None
            if self._loader is None and previous is None:  # sign in while the world seeds
                from ecstui.core.inventory import warm_up

                warming = asyncio.ensure_future(warm_up(self.workspace, self.env))
            await self._world_ready()
            if warming is not None:
                await warming
        if self._loader is not None:
            return await self._loader(previous)
        from ecstui.core.inventory import load_inventory

        return await load_inventory(self.workspace, self.env, self.service, previous=previous)

    @property
    def main_screen(self) -> Screen:
        from ecstui.tui.screens.main import MainScreen

        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def on_mount(self) -> None:
        from ecstui.tui.screens.main import MainScreen

        self.warn_about_endpoints()
        self.push_screen(MainScreen())
        self.set_timer(APPROVALS_AT_LATEST, self._start_approvals_poll)
        if self._world_ready is not None:  # --demo: the table fills once the seed is done
            self.notify("Starting the demo sandbox: the services appear once its world is "
                        "seeded.", title="ecstui --demo", timeout=3)

    # The GitHub approvals poll starts once the first inventory load has finished, either
    # way, or APPROVALS_AT_LATEST seconds after start if it is still going (AWS slow or
    # down must not hide the runs waiting for a reviewer): "what runs where" comes first,
    # and the poll's PyGithub threads would share this process (and, with --demo, the
    # sandbox's) with the sign-in and first load.
    def on_inventory_loaded(self, message: InventoryLoaded) -> None:
        self._start_approvals_poll()

    def on_inventory_failed(self, message: InventoryFailed) -> None:
        self._start_approvals_poll()

    def _start_approvals_poll(self) -> None:
        if not self._approvals_started and github_configured(self):
            self._approvals_started = True
            poll_approvals(self, self.github_poll_seconds)

    def on_approvals_loaded(self, message: ApprovalsLoaded) -> None:
        self.approvals = message.overview

    def action_runs(self) -> None:
        from ecstui.tui.screens.runs import RunsScreen

        if not isinstance(self.screen, RunsScreen):
            self.push_screen(RunsScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`g` (runs & approvals) only when some service names a GitHub repository."""
        if action == "runs":
            return github_configured(self)
        return True

    def warn_about_endpoints(self) -> None:
        """Endpoint overrides that would send SSO/OIDC tokens off this machine, AWS aside."""
        from ecstui.core.endpoints import endpoint_warnings

        for warning in endpoint_warnings(self.workspace.settings):
            self.notify(warning, title="AWS endpoint", severity="warning", timeout=30,
                        markup=False)

    def action_help(self) -> None:
        from ecstui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding of the screen is also a command-palette command."""
        yield from super().get_system_commands(screen)
        seen = {"quit", "help", "command_palette"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.action in seen or not binding.description or not active.enabled:
                continue
            if not (binding.show or isinstance(active.node, Screen | App)):
                continue  # widget plumbing such as cursor keys
            seen.add(binding.action)
            help_text = binding.tooltip or f"key: {self.get_key_display(binding)}"
            action = partial(self.run_action, binding.action, active.node)
            yield SystemCommand(binding.description, help_text, action)
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()

    async def on_unmount(self) -> None:
        await self.workspace.close()
