"""How the sandbox's world comes up: moto's server, the world's services seeded per
environment in parallel, and the background components (ECS lifecycle, log writer) that
keep it moving afterwards."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.seed import SeededService, seed_environment


def start_moto_server() -> tuple[Any, str]:
    """moto's threaded server on a free loopback port, with ecstui's patches: (server, url)."""
    try:
        import moto  # noqa: F401
    except ImportError as error:
        from ecstui.errors import UsageError

        raise UsageError("The sandbox needs moto, which is not installed: run "
                         "`pip install 'ecstui[demo]'` (or `make demo` in a checkout).") from error
    # werkzeug logs every request on stderr: it would scribble over the TUI.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from ecstui.sandbox import loaders, patches

    loaders.install_botocore()  # before moto's import, which makes botocore sessions

    patches.install()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def seed_world(session: Callable[[str], Any]) -> dict[tuple[str, str], SeededService]:
    """Every environment of `world.py`, seeded concurrently: (env, service) -> seed."""
    def one(env: world.EnvironmentSpec) -> list[SeededService]:
        return seed_environment(session(env.name), env)

    seeded: dict[tuple[str, str], SeededService] = {}
    with ThreadPoolExecutor(max_workers=len(world.ENVIRONMENTS)) as pool:
        for services in pool.map(one, world.ENVIRONMENTS):
            for service in services:
                seeded[(service.environment, service.name)] = service
    return seeded


def start_background(sandbox: Any, *, lifecycle: bool, logs: bool, speed: float) -> list[Any]:
    """The started background components (each has .stop() and .errors)."""
    started: list[Any] = []
    if lifecycle:
        from ecstui.sandbox.lifecycle import Lifecycle

        started.append(Lifecycle(sandbox, speed=speed))
    if logs:
        from ecstui.sandbox.logwriter import LogWriter

        started.append(LogWriter(sandbox))
    for component in started:
        component.start()
    return started


@contextlib.contextmanager
def paused(components: list[Any]) -> Iterator[None]:
    """Background components held still while the world is wiped and reseeded; told
    `reseeded()` (when they care) once it is back."""
    background = [c for c in components if hasattr(c, "pause")]
    with contextlib.ExitStack() as stack:
        for component in background:
            stack.enter_context(component.pause())
        yield
        for component in background:
            if hasattr(component, "reseeded"):
                component.reseeded()


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """Start-up builds a big heap that lives as long as the sandbox (moto's modules and
    backends, botocore's models, the seeded world): collecting while it grows only
    costs CPU (~1 s on the demo). The collector is back as it was on exit."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
