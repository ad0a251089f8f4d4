"""Timestamps as UTC datetimes, parsed cheaply.

botocore's default parser turns every epoch number into a datetime in the
machine's local zone through dateutil's `tzlocal`, which costs ~20 µs each; a
full inventory parses thousands (tasks carry six each). The ECS JSON protocol
sends epoch seconds, which need only `datetime.fromtimestamp(..., UTC)`. Other
forms (the ISO strings of STS, for instance) still go through botocore's parser.
Installed through botocore's own hook, `ResponseParserFactory.set_parser_defaults`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.utils import parse_timestamp as botocore_parse_timestamp

_EPOCH_TYPES = (float, int)  # exactly these: JSON numbers (bool is an int subclass)


def parse_timestamp(value: Any) -> datetime:
    """A response timestamp as an aware UTC datetime (the same instant botocore gives)."""
    if type(value) in _EPOCH_TYPES:
        return datetime.fromtimestamp(value, UTC)
    return botocore_parse_timestamp(value).astimezone(UTC)


def install(session: Any) -> None:
    """Make every client of this botocore/aiobotocore session parse timestamps as UTC."""
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=parse_timestamp
    )
