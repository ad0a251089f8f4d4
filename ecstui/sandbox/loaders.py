"""One botocore data loader per data path in the sandbox process, shared by every session.

A botocore Session builds its own `Loader`, which parses the service's JSON model the
first time a client needs it: EC2's alone takes ~0.1 s. A sandbox process makes many
sessions: moto makes three while importing its EC2 backend and one per backend, the
seed one per environment, the TUI's aiobotocore one per environment, and moto's
server uses its own loader class for each service's first request. Measured on the
demo start (py-spy, GIL held): 1.2 s of JSON decoding for 60 file reads, EC2's model
eight times. Shared here, each file is read once per loader class and data path.

Why sharing is safe: a Loader only caches parsed files keyed by name (`instance_cache`),
and every client of one botocore session already shares its session's loader, so
botocore never mutates what it loaded (a second client of the same service would see
it). The cache key is the data path (`AWS_DATA_PATH` / the `data_path` config
variable), exactly what `create_loader` builds a loader from, so custom model paths
keep working; what differs is that a model file added on disk after a loader read it
is not re-read in this process. Two additions: a lock per loader, so two threads
asking for the same model at once parse it once (the second waits for the first); and
a search-path list that ignores duplicates, because every `boto3.Session` appends
boto3's data directory to its loader's paths.

Installed by the sandbox before moto is imported, in the process that runs moto
only; `ecstui` outside `--demo` and the tests never runs this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.Lock()
_installed = False


class _UniquePaths(list):  # type: ignore[type-arg]
    """A loader's search paths: appending a path already there is a no-op."""

    def append(self, path: Any) -> None:
        if path not in self:
            super().append(path)


def shared(factory: Callable[..., Any]) -> Callable[..., Any]:
    """`factory(search_path_string=None)` returning one loader per argument value."""
    loaders: dict[Any, Any] = {}

    def create_loader(search_path_string: str | None = None) -> Any:
        with _LOCK:
            if search_path_string not in loaders:
                loaders[search_path_string] = _serialised(factory(search_path_string)
                                                          if search_path_string is not None
                                                          else factory())
            return loaders[search_path_string]

    create_loader.shared = True  # type: ignore[attr-defined]
    return create_loader


def _serialised(loader: Any) -> Any:
    lock = threading.RLock()
    load = loader.load_data_with_path  # every file read goes through this cached method

    def load_data_with_path(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return load(*args, **kwargs)

    loader.load_data_with_path = load_data_with_path
    loader._search_paths = _UniquePaths(loader._search_paths)
    return loader


def install_botocore() -> None:
    """Share botocore's loaders (before moto's import makes its first sessions)."""
    global _installed
    import botocore.loaders
    import botocore.session

    with _LOCK:
        if _installed:
            return
        factory = shared(botocore.loaders.create_loader)
        botocore.loaders.create_loader = factory
        botocore.session.create_loader = factory
        _installed = True


def install_moto() -> None:
    """Share moto's own loader (botocore's models plus moto's extras), used server-side."""
    import moto.core.utils

    if not getattr(moto.core.utils.create_loader, "shared", False):
        moto.core.utils.create_loader = shared(moto.core.utils.create_loader)
