"""Messages workers post to screens ("attributes down, messages up")."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ecstui.domain.inventory import Inventory


@dataclass
class InventoryLoaded(Message):
    """A load or refresh finished; per-environment errors travel inside the inventory."""

    inventory: Inventory


@dataclass
class InventoryFailed(Message):
    """The whole load failed (e.g. configuration); the app keeps running."""

    error: str
