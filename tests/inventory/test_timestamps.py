"""Response timestamps are parsed cheaply to UTC, and sessions share botocore's loader."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.utils import parse_timestamp as botocore_parse_timestamp

from ecstui.config import EnvironmentSettings, load_settings
from ecstui.core.inventory import load_inventory
from ecstui.core.workspace import Workspace
from ecstui.gateways.aws.session import AwsSession
from ecstui.gateways.aws.timestamps import parse_timestamp


def test_epoch_numbers_and_strings_give_the_instant_botocore_gives_in_utc() -> None:
    for value in (1764320400, 1764320400.123, "2026-11-28T09:00:00Z",
                  "2026-11-28T10:00:00+01:00", "1764320400"):
        parsed = parse_timestamp(value)
        assert parsed.tzinfo is UTC
        assert parsed == botocore_parse_timestamp(value)  # same instant
    assert parse_timestamp(0) == datetime(1970, 1, 1, tzinfo=UTC)


async def test_an_inventory_from_the_sandbox_carries_utc_datetimes(sandbox) -> None:  # type: ignore[no-untyped-def]
    workspace = Workspace(load_settings(sandbox.config_path))
    try:
        inventory = await load_inventory(workspace, env="prod", service="my-app")
    finally:
        await workspace.close()
    (service,) = inventory.services
    stamps = [d.created_at for d in service.deployments] + [e.created_at for e in service.events]
    stamps += [t.started_at for t in service.tasks if t.started_at]
    assert stamps and all(s is not None and s.tzinfo is UTC for s in stamps)


def test_sessions_share_one_loader_so_models_are_parsed_once() -> None:
    first = AwsSession(EnvironmentSettings(name="a", region="eu-west-1"))
    second = AwsSession(EnvironmentSettings(name="b", region="eu-west-1"))
    loader = first._session.get_component("data_loader")
    assert loader is second._session.get_component("data_loader")
