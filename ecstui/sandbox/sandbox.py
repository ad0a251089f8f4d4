"""The local AWS world behind `ecstui --demo` and the tests.

Public API (stable; other parts of ecstui and the tests stand on it):

    with Sandbox() as sandbox:          # start(): moto server, files, seed, lifecycle
        sandbox.start_servers()         # (or in two steps: servers and files, then
        sandbox.seed()                  #  the world, background threads included)
        sandbox.moto_url                # http://127.0.0.1:PORT
        sandbox.config_path             # the ecstui.toml naming the world's profiles
        sandbox.env                     # {var: value} to set for an ecstui process
        sandbox.unset_env               # variables to remove from that process's env
        sandbox.subprocess_env()        # os.environ + env - unset_env, for subprocesses
        with sandbox.apply_env(): ...   # the same on os.environ, restored on exit/stop()
        sandbox.session("prod")         # boto3 Session on that environment's profile
        sandbox.client("prod", "ecs")   # a client from that session
        sandbox.deploy_sha("prod", "my-app", sha) -> deployment id
        sandbox.reset()                 # back to the seeded world (~1 s)
        sandbox.dirty / reset_if_dirty()  # whether a write call changed the world
        sandbox.speed                   # deploy speed factor, read on every tick
        sandbox.background_errors       # what the lifecycle/log writer caught: keep empty

"Unset" is represented by `unset_env`, a tuple of names, not by blank values:
botocore treats some blank variables as set (a blank AWS_PROFILE names a missing
profile), so `env` only holds variables to set, and `unset_env` lists those to remove.

Components start in `start()` in order: moto, then the optional ones (the GitHub
half plugs in at `_start_github`, its URL lands in `[github] api_url`), then the
written files (`start_servers()`), the seed and the background threads (`seed()`).
`stop()` undoes all of it; `stop_before_exit()` is the short form for a process about
to exit (the `--demo` TUI's sandbox child, ecstui/sandbox/child.py).
The parts live beside it: envvars.py (a process's env), sessions.py (the sandbox's own
boto3 sessions), seeding.py (moto's server, the seed, the background components).

moto's backends are process-wide, so one process holds one world: a second Sandbox
started while one runs shares it (same server, files and GitHub; its stop() only
restores its env). Sandbox sessions ignore the process's AWS_ENDPOINT_URL* variables,
which botocore would otherwise let beat the profile's `endpoint_url`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.envvars import EnvPatch, merged_env, sandbox_env, unset_names
from ecstui.sandbox.files import SandboxFiles, write_ecstui_config, write_files
from ecstui.sandbox.seed import SeededService
from ecstui.sandbox.seeding import (
    no_collection,
    paused,
    seed_world,
    start_background,
    start_moto_server,
)
from ecstui.sandbox.sessions import profile_session


class Sandbox:
    """moto's server in-process, seeded from `world.py`, with files that point at it."""

    def __init__(self, *, speed: float = 1.0, lifecycle: bool = True, logs: bool = True) -> None:
        self.speed = speed  # >1 makes deployments finish sooner (tests use ~3)
        self.with_lifecycle = lifecycle
        self.with_logs = logs
        self.moto_url = ""
        self.github: Any = None  # the GitHub half's server, when it exists
        self.github_url: str | None = None
        self.seeded: dict[tuple[str, str], SeededService] = {}  # (env, service) -> seed
        self._server: Any = None
        self._tmp: Path | None = None
        self._files: SandboxFiles | None = None
        self._sessions: dict[str, Any] = {}
        self._env_patches: list[EnvPatch] = []
        self._threads: list[Any] = []  # background components with .stop()
        self._lock = threading.Lock()
        self._owner: Sandbox | None = None  # set when sharing another sandbox's world
        self._clean_at = -1  # patches.MUTATIONS when the world was last (re)seeded

    # -- lifecycle of the sandbox itself -------------------------------------------------

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Sandbox:
        """`start_servers()` then `seed()`: the world is ready when this returns."""
        with no_collection(), self._stop_on_error():
            self.start_servers()
            self.seed()
        return self

    def start_servers(self) -> Sandbox:
        """moto, the GitHub half and the written files (ecstui.toml included): a process
        can be pointed at the sandbox now, though the world is empty until `seed()`."""
        global _OWNER
        with _OWNER_LOCK:
            owner = _OWNER if _OWNER is not None and _OWNER._server is not None else None
            if owner is None:
                _OWNER = self
        if owner is not None:
            return self._attach(owner)
        with no_collection(), self._stop_on_error():
            self._start_moto()
            self._start_github()
            self._tmp = Path(tempfile.mkdtemp(prefix="ecstui-sandbox-"))
            self._files = SandboxFiles(self._tmp)
            write_files(self._files, self.moto_url, self.github_url)
        return self

    def seed(self) -> Sandbox:
        """Seed the world, then start the lifecycle and log writer (after `start_servers`).

        moto's EC2 backend, created by the seed's first EC2 call in each account, would
        build 1,291 default AMIs per account that nothing here uses (~0.05 s of CPU
        each): MOTO_EC2_LOAD_DEFAULT_AMIS=false while seeding, unless the process set it.
        """
        if self._owner is not None:
            return self
        if self.seeded:
            return self
        from ecstui.sandbox import patches

        amis = {} if "MOTO_EC2_LOAD_DEFAULT_AMIS" in os.environ else \
            {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
        with no_collection():
            with EnvPatch(amis, ()):
                self._seed()
            self._start_background()
            self._clean_at = patches.MUTATIONS.count
        return self

    @contextlib.contextmanager
    def _stop_on_error(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self.stop()
            raise

    def _attach(self, owner: Sandbox) -> Sandbox:
        """moto's backends are process-wide: a second sandbox in one process shares the
        running one's world (same server, files and GitHub) instead of seeding it twice."""
        self._owner = owner
        self.moto_url, self.github_url, self._files = owner.moto_url, owner.github_url, owner.files
        self.github = owner.github
        return self

    def stop(self) -> None:
        global _OWNER
        for patch in reversed(self._env_patches):
            patch.restore()
        self._env_patches.clear()
        if self._owner is not None:
            self._owner, self._files = None, None
            return
        for component in reversed(self._threads):
            component.stop()
        self._threads.clear()
        self._stop_github()
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._sessions.clear()
        if self.seeded:
            # moto's backends outlive the server in this process: leave them empty, so a
            # later sandbox here seeds a fresh world instead of colliding with this one.
            from ecstui.sandbox import patches

            patches.reset_backends([env.account_id for env in world.ENVIRONMENTS])
        self.seeded.clear()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        self._files = None
        with _OWNER_LOCK:
            if _OWNER is self:
                _OWNER = None

    def stop_before_exit(self) -> None:
        """For a process that exits right after (the `--demo` child): background threads
        stopped and files removed, but the servers left to die with the process, since
        moto's shutdown alone waits up to 0.5 s for its polling loop."""
        for component in reversed(self._threads):
            component.stop()
        self._threads.clear()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _start_moto(self) -> None:
        self._server, self.moto_url = start_moto_server()

    def _start_github(self) -> None:
        """The GitHub half starts here and sets `self.github` and `self.github_url`."""
        from ecstui.sandbox.github import GitHubSandbox

        # Approving a waiting prod deployment runs the pipeline's deploy against moto.
        self.github = GitHubSandbox(deploy=self.deploy_sha, step_seconds=1.0 / self.speed)
        self.github.start()
        self.github_url = self.github.url

    def _stop_github(self) -> None:
        if self.github is not None and hasattr(self.github, "stop"):
            self.github.stop()
        self.github = None

    def _start_background(self) -> None:
        self._threads += start_background(self, lifecycle=self.with_lifecycle,
                                          logs=self.with_logs, speed=self.speed)

    # -- where things are ----------------------------------------------------------------

    @property
    def files(self) -> SandboxFiles:
        if self._files is None:
            raise RuntimeError("the sandbox is not started")
        return self._files

    @property
    def config_path(self) -> Path:
        return self.files.ecstui_config

    @property
    def temp_dir(self) -> Path:
        return self.files.root

    @property
    def env(self) -> dict[str, str]:
        """Variables that point any ecstui process at this sandbox (see `unset_env`)."""
        if self._owner is not None:
            return self._owner.env
        return sandbox_env(self.moto_url, self.files, self.github)

    @property
    def unset_env(self) -> tuple[str, ...]:
        return unset_names(self.env)

    def subprocess_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        return merged_env(os.environ if base is None else base, self.env, self.unset_env)

    def apply_env(self) -> EnvPatch:
        """Point os.environ at the sandbox now; restored on exit of `with`, or by stop()."""
        patch = EnvPatch(self.env, self.unset_env)
        self._env_patches.append(patch)
        return patch

    def write_config(self) -> None:
        """Rewrite ecstui.toml, e.g. after a component set `github_url` late."""
        write_ecstui_config(self.files, self.github_url)

    # -- the world -----------------------------------------------------------------------

    def session(self, environment: str) -> Any:
        """A boto3 Session on the environment's web-identity profile, independent of
        os.environ (its profile carries the endpoint; credentials come from moto's STS)."""
        with self._lock:
            if environment not in self._sessions:
                self._sessions[environment] = profile_session(self.files, environment)
            return self._sessions[environment]

    def client(self, environment: str, service: str) -> Any:
        return self.session(environment).client(service)

    def _seed(self) -> None:
        self.seeded.update(seed_world(self.session))

    def reset(self) -> None:
        """Back to the seeded world: ECS, ECR and Logs are wiped in place and reseeded.

        Only those backends are reset (not STS/IAM/EC2), so credentials that processes
        already hold stay mapped to their accounts and the default VPCs need no rebuild.
        """
        from ecstui.sandbox import patches

        if self._owner is not None:
            self._owner.reset()
            return
        with paused(self._threads):
            patches.reset_backends([env.account_id for env in world.ENVIRONMENTS])
            self.seeded.clear()
            self._seed()
            if self.github is not None:
                self.github.reset()
            self._clean_at = patches.MUTATIONS.count

    @property
    def dirty(self) -> bool:
        """True once any write call (UpdateService, PutImage, ...) changed the seeded world."""
        from ecstui.sandbox import patches

        owner = self._owner or self
        github = owner.github is not None and owner.github.dirty  # a review changed runs
        return patches.MUTATIONS.count != owner._clean_at or github

    @property
    def background_errors(self) -> list[BaseException]:
        """Exceptions the lifecycle or log writer caught (they keep running); tests assert
        this stays empty."""
        owner = self._owner or self
        return [error for component in owner._threads for error in component.errors]

    def reset_if_dirty(self) -> None:
        if self.dirty:
            self.reset()

    def deploy_sha(self, environment: str, service: str, sha: str) -> str:
        """What the sandbox's CI does after a prod approval: a new revision pinned by digest."""
        from ecstui.sandbox.deploy import deploy_sha

        return deploy_sha(self, environment, service, sha)


_OWNER: Sandbox | None = None  # the sandbox that runs moto's server in this process
_OWNER_LOCK = threading.Lock()


@contextlib.contextmanager
def running_sandbox(**kwargs: Any) -> Iterator[Sandbox]:
    """A started sandbox with its env applied, stopped on exit."""
    with Sandbox(**kwargs) as sandbox, sandbox.apply_env():
        yield sandbox
