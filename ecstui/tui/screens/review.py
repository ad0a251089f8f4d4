"""The review prompt: the plan in words, a comment, and an explicit button.

Approving prod is never a single key: `a` opens this prompt, and only the
Approve button (or enter in the comment, after reading the plan) sends it. A
rejection needs a comment saying why.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class ReviewScreen(ModalScreen[str | None]):
    """Dismisses with the comment, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="review.cancel")]

    def __init__(self, plan: str, state: str) -> None:
        super().__init__()
        self.plan, self.state = plan, state

    def compose(self) -> ComposeResult:
        verb = "Approve" if self.state == "approved" else "Reject"
        with Vertical(id="review-box"):
            yield Static(self.plan, id="review-plan")
            yield Input(placeholder="comment (required to reject)" if self.state == "rejected"
                        else "comment (optional)", id="review-comment")
            yield Static(id="review-error")
            with Horizontal(id="review-buttons"):
                yield Button(verb, id="review-send",
                             variant="success" if self.state == "approved" else "error")
                yield Button("Cancel", id="review-cancel")

    def on_mount(self) -> None:
        self.query_one("#review-comment", Input).focus()

    @on(Button.Pressed, "#review-send")
    @on(Input.Submitted, "#review-comment")
    def send(self) -> None:
        comment = self.query_one("#review-comment", Input).value.strip()
        if self.state == "rejected" and not comment:
            self.query_one("#review-error", Static).update("Say why you reject it.")
            return
        self.dismiss(comment or "Approved with ecstui.")

    @on(Button.Pressed, "#review-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
