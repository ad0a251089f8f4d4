"""Write screenshots/logs.svg from the same fixed data as the snapshots.

Run: `.venv/bin/python -m tests.logs.screenshot`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.logs import fakes
from tests.logs.logapp import LogApp
from tests.logs.test_log_snapshots import SIZE

OUT = Path(__file__).resolve().parents[2] / "screenshots"


async def main() -> None:
    app = LogApp(fakes.ScriptedTail(backfill=60), frozen=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.4)
        OUT.mkdir(exist_ok=True)
        app.save_screenshot(filename="logs.svg", path=str(OUT))
    print(f"wrote {OUT.name}/logs.svg")


if __name__ == "__main__":
    asyncio.run(main())
