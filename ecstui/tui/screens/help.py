"""`?`: the keys of the screen underneath and what the table markers mean."""

from __future__ import annotations

from rich.table import Table
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ecstui.domain.inventory_view import MARKERS


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close-question"),
        Binding("q", "dismiss", "Close", show=False, id="help.close-q"),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        seen = set()
        for active in self.under.active_bindings.values():
            binding = active.binding
            if not binding.description or (binding.action, binding.description) in seen:
                continue
            if not (binding.show or isinstance(active.node, Screen | App)):
                continue  # widget plumbing such as cursor keys
            seen.add((binding.action, binding.description))
            keys.add_row(self.app.get_key_display(binding), binding.description)
        legend = Table.grid(padding=(0, 2))
        for symbol, meaning in MARKERS.values():
            legend.add_row(symbol, meaning)
        with VerticalScroll(id="help-box"):
            yield Static("Keys", classes="section-title")
            yield Static(keys)
            yield Static("Markers", classes="section-title")
            yield Static(legend)
            yield Static("ctrl+p opens the command palette: every key is also a command.",
                         classes="hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
