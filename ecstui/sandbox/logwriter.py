"""Application logs for every task the lifecycle runs, written as the awslogs driver would.

A background thread writes a few lines per second per RUNNING task into the log group
and stream its task definition names (`<prefix>/<container>/<task-id>` in `/ecs/<service>`),
with startup lines when a task starts, shutdown lines when it stops and a traceback when
a broken image crashes. New tasks get new streams. It writes straight into moto's
in-process Logs backend (the same objects the server answers from, under
`patches.BACKEND_LOCK`): going through HTTP would cost a request per line for no gain.
Tasks the seed adopted as already running get a few minutes of back-filled history,
written at the first tick or by the first Logs request, whichever comes first: not in
`start()`, where its ~0.07 s of CPU would delay the `--demo` TUI's first inventory (its
ECS requests wait on the same lock), for lines nobody reads before the first request.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ecstui.sandbox import loglines, patches, world
from ecstui.sandbox.background import BackgroundThread
from ecstui.sandbox.ecsmodel import ServiceTask, now
from ecstui.sandbox.lifecycle import ecs_backends_in_use
from ecstui.sandbox.rollout import state_of

BACKFILL = timedelta(minutes=5)
TICK = 0.5  # seconds between writes
LINES_PER_SECOND = 1.5  # per app container; sidecars write less
MAX_EVENTS_PER_STREAM = 3000  # keeps moto's linear FilterLogEvents fast in long demos


class LogWriter(BackgroundThread):
    """Background thread writing every running task's log lines into moto's Logs."""

    thread_name = "ecstui-sandbox-logs"

    def __init__(self, sandbox: Any) -> None:
        super().__init__()
        self.sandbox = sandbox
        self._written = False  # whether the back-fill has run

    def start(self) -> None:
        patches.LOGS_REQUEST_HOOKS.append(self.backfill)  # before anyone looks
        self._start_thread()

    def stop(self) -> None:
        with patches.BACKEND_LOCK:
            if self.backfill in patches.LOGS_REQUEST_HOOKS:
                patches.LOGS_REQUEST_HOOKS.remove(self.backfill)
        super().stop()

    def backfill(self) -> None:
        """The first write (every running task's recent history), unless it has run."""
        if not self._written:
            self.write_once()

    def reseeded(self) -> None:
        """Called by Sandbox.reset() while still paused: back-fill the new world now."""
        self.write_once(force=True)

    def _run(self) -> None:
        while not self._stop.wait(TICK):
            try:
                self.write_once()
            except Exception as error:  # keep writing; record for tests
                self.errors.append(error)
                del self.errors[:-20]

    def write_once(self, force: bool = False) -> None:
        with patches.BACKEND_LOCK:
            if self._paused and not force:
                return
            self._written = True
            t = now()
            for backend in ecs_backends_in_use():
                for service in list(backend.services.values()):
                    for task in state_of(service).tasks:
                        self._write_task(backend, service.name, task, t)

    def _write_task(self, backend: Any, service: str, task: ServiceTask, t: datetime) -> None:
        cursor = getattr(task, "log_cursor", None)
        if task.started_at is None or (cursor is not None and cursor.done):
            return
        if cursor is None:
            definition = backend.describe_task_definition(task.task_definition_arn)
            cursor = task.log_cursor = _Cursor(task, definition, service)
            cursor.begin(max(task.started_at, t - BACKFILL), banner=task.started_at > t - BACKFILL)
        if task.last_status == "RUNNING" and task.desired_status == "RUNNING":
            cursor.run_until(t)
        elif task.last_status != "RUNNING":
            cursor.finish(task, t)


class _Cursor:
    """Where one task's log streams have got to."""

    def __init__(self, task: ServiceTask, definition: Any, service: str) -> None:
        self.service = service
        self.rng = random.Random(task.id)
        self.done = False
        self.written_to = task.started_at or now()
        self.sha = next((e["value"] for c in definition.container_definitions
                         for e in c.get("environment", []) if e["name"] == "GIT_SHA"), "0" * 40)
        self.crashes = task.crashes
        spec = next((s for s in world.SERVICES if s.name == service), None)
        self.port = spec.port if spec else 8080
        self.streams = []  # (container, logs backend, group, stream, rate)
        from moto.logs.models import logs_backends

        for container in definition.container_definitions:
            config = container.get("logConfiguration") or {}
            options = config.get("options") or {}
            if config.get("logDriver") != "awslogs" or "awslogs-group" not in options:
                continue
            logs = logs_backends[task.account_id][options.get("awslogs-region", task.region_name)]
            group = options["awslogs-group"]
            if group not in logs.groups:
                if options.get("awslogs-create-group") != "true":
                    continue  # ECS would fail the task; the seed always creates the groups
                logs.create_log_group(group, {})
            stream = f"{options.get('awslogs-stream-prefix', 'ecs')}/{container['name']}/{task.id}"
            logs.ensure_log_stream(group, stream)
            rate = LINES_PER_SECOND if container.get("essential", True) else 0.2
            self.streams.append((container["name"], logs, group, stream, rate))

    def begin(self, at: datetime, banner: bool) -> None:
        self.written_to = at
        for name, *_ in self.streams if banner or self.crashes else ():
            texts = (loglines.crash(self.service) if self.crashes
                     else loglines.startup(self.service, name, self.port, self.sha))
            self._put(name, [(at + timedelta(milliseconds=40 * i), text)
                             for i, text in enumerate(texts)])
        if self.crashes:
            self.done = True

    def run_until(self, t: datetime) -> None:
        seconds = (t - self.written_to).total_seconds()
        if seconds <= 0:
            return
        for name, _, _, _, rate in self.streams:
            count = int(seconds * rate + self.rng.random())
            stamps = sorted(self.written_to + timedelta(seconds=self.rng.random() * seconds)
                            for _ in range(count))
            self._put(name, [(at, loglines.line(self.service, name, self.rng)) for at in stamps])
        self.written_to = t

    def finish(self, task: ServiceTask, t: datetime) -> None:
        self.done = True
        if task.crashes:
            return
        at = task.stopping_at or t
        for name, *_ in self.streams:
            self._put(name, [(at + timedelta(milliseconds=30 * i), text)
                             for i, text in enumerate(loglines.shutdown(name))])

    def _put(self, container: str, events: list[tuple[datetime, str]]) -> None:
        if not events:
            return
        for name, logs, group, stream, _ in self.streams:
            if name != container:
                continue
            logs.put_log_events(group, stream, [
                {"timestamp": int(at.timestamp() * 1000),
                 "message": loglines.stamped(container, at, text)}
                for at, text in events
            ])
            found = logs.groups[group].streams[stream]
            if len(found.events) > MAX_EVENTS_PER_STREAM:
                del found.events[: len(found.events) - MAX_EVENTS_PER_STREAM]
