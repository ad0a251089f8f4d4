"""Regenerate screenshots/*.svg from the fixed inventory (`make screenshots`).

The same fixed data and frozen clock as the snapshot tests, so the README shows
exactly what the tests check.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.github.tui_fixed import shoot_runs
from tests.inventory.fixed import fixed_app, open_detail, until_loaded
from tests.logs import screenshot as logs_screenshot
from tests.promote.tui_fixed import shoot_change

OUT = Path(__file__).resolve().parents[1] / "screenshots"
SIZE = (150, 34)


async def shoot(name: str, service: str | None = None, environment: str | None = None) -> Path:
    app = fixed_app()
    async with app.run_test(size=SIZE) as pilot:
        if service and environment:
            await open_detail(pilot, service, environment)
        else:
            await until_loaded(pilot)
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
        return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for path in (
        await shoot("main"),
        await shoot("detail", "my-app", "prod"),
        await shoot("detail-rollout", "payments", "prod"),
        await shoot_runs(OUT),
    ):
        print(f"wrote {path.relative_to(OUT.parent)}")
    for path in await shoot_change(OUT):
        print(f"wrote {path.relative_to(OUT.parent)}")
    await logs_screenshot.main()


if __name__ == "__main__":
    asyncio.run(main())
