"""Drafting in a separate process, so acks never wait for the GIL.

Drafting is CPU-bound Python (analysis, lexical search). Run in threads of the serving process, it holds
the GIL and every ack waits its turn: measured on 2 cores, 8 drafting threads pushed the ack p50 from
28 ms to 750 ms. So the serving process ("front") only verifies, acks and forwards; a worker process runs
every lazy listener, with its own thread pool and a lower CPU priority.

This is bolt's own lazy-listener design (as for AWS Lambda): the front's lazy runner ships the request
and the lazy function's name to another runtime, whose copy of the same app dispatches it as a
lazy-only request. The worker's app has no network listener: its only input is this queue, fed with
requests the front has already verified.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from queue import Empty
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest
from slack_bolt.lazy_listener import LazyListenerRunner

from relbot.config import Settings
from relbot.errors import StateUnavailableError, StoreUnavailableError

if TYPE_CHECKING:
    from relbot.services import Services

log = logging.getLogger(__name__)
Job = tuple[dict[str, Any], str, dict[str, Any]]  # (request body, lazy function name, headers)
NICENESS = 10  # background work: under contention the front's acks get ~90% of the CPU
STOP_TIMEOUT_S = 10.0
KILL_GRACE_S = 2.0  # past its stop deadline the worker gets this long to exit before it is killed
UNREACHABLE_RETRY_S = 1.0  # a worker starting while the database is down tries again this often
TERM_WAIT_S = 30.0  # after a SIGTERM, how long the worker waits for the front's Stop before it stops anyway


@dataclass(frozen=True)
class Stop:
    """The last item on the queue: finish queued jobs for at most ``seconds``, then drop the rest and exit."""

    seconds: float
WATCHDOG_INTERVAL_S = 1.0  # how soon a worker that died is replaced


class DraftWorker:
    """The worker process, seen from the front: start it, hand it lazy requests, stop it."""

    def __init__(self, settings: Settings, *, threads: int) -> None:
        self._settings = settings
        self._threads = threads
        # spawn, not fork: the front has threads (and bolt's, chromadb's locks) that a fork would copy mid-use.
        self._ctx = multiprocessing.get_context("spawn")
        self._queue = self._ctx.Queue()
        self._process: SpawnProcess | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker (again, if it died) and the watchdog that restarts it from then on."""
        with self._lock:
            if self._stopping.is_set() or (self._process is not None and self._process.is_alive()):
                return
            if self._process is not None:
                log.warning("The draft worker exited (code %s); starting a new one.", self._process.exitcode)
                # A process killed inside queue.get() dies holding the queue's read lock, and no new reader
                # could ever take a job from it: the new worker gets a new queue. Jobs the old one had not yet
                # read die with it, like the ones it was running.
                old, self._queue = self._queue, self._ctx.Queue()
                old.cancel_join_thread()  # its feeder may be stuck on a pipe nobody reads: never wait for it
                old.close()
            level = logging.getLogger("relbot").getEffectiveLevel()
            self._process = self._ctx.Process(
                target=worker_main, args=(self._settings, self._queue, self._threads, level),
                name="relbot-draft-worker", daemon=True,
            )
            self._process.start()
            if self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch, name="relbot-worker-watchdog", daemon=True)
                self._watchdog.start()

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def submit(self, body: dict[str, Any], function_name: str, headers: dict[str, Any]) -> None:
        # Runs before every ack, so no liveness check here: is_alive() is a waitpid() that gives up the GIL, and
        # under load winning it back cost ~14% of the front's time (py-spy). The watchdog notices a dead worker
        # within WATCHDOG_INTERVAL_S; what was acked meanwhile is lost with the old queue, like its own jobs.
        if self._process is None:
            self.start()
        self._queue.put((body, function_name, headers))

    def _watch(self) -> None:
        while not self._stopping.wait(WATCHDOG_INTERVAL_S):
            self.start()

    def stop(self, *, drain: bool = True, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """``drain``: finish the queued jobs within ``timeout_s`` (a clean shutdown); otherwise stop now."""
        self._stopping.set()
        with self._lock:
            process = self._process  # kept until it has exited: a second, hastier stop may follow this one
        if process is None:
            return
        if drain:
            self._queue.put(Stop(max(0.0, timeout_s)))
            process.join(max(0.0, timeout_s) + KILL_GRACE_S)
        if process.is_alive():
            log.warning("The draft worker did not stop in time; killing it.")
            process.kill()  # it ignores SIGTERM (see worker_main)
            process.join(STOP_TIMEOUT_S)
        with self._lock:
            self._process = None

    def runner(self) -> LazyListenerRunner:
        return ForwardingLazyRunner(self)


class ForwardingLazyRunner(LazyListenerRunner):
    """Installed as the front app's ``listener_runner.lazy_listener_runner``."""

    def __init__(self, worker: DraftWorker) -> None:
        self.logger = log
        self._worker = worker

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        name = request.lazy_function_name
        if not name:  # bolt always names the lazy function it starts; run locally if that ever changes
            self.run(function, request)
            return
        self._worker.submit(dict(request.body), name, {k: list(v) for k, v in request.headers.items()})


def worker_main(settings: Settings, queue: Any, threads: int, level: int) -> None:
    """The worker process: one relbot app, dispatching forwarded lazy requests on a thread pool."""
    # The front decides when this process stops: after its HTTP drain, with a Stop on the queue. A Ctrl-C in a
    # terminal, or systemd's default KillMode, signals every process of the service at once; dying then would
    # drop the drafts the front is about to hand over. So SIGINT is ignored and SIGTERM only starts a clock:
    # with no Stop from the front within TERM_WAIT_S (it has gone without one), the worker stops by itself.
    terminated: list[float] = []
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: terminated.append(time.monotonic()))
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("relbot").setLevel(level)
    if hasattr(os, "nice"):
        os.nice(NICENESS)  # before any thread starts: Linux threads inherit it from their creator
    from relbot.services import build_services

    services = build_services(settings)
    app = _app_when_reachable(services, lambda: bool(terminated))
    if app is None:
        return
    _warm_up(services)
    from relbot.slack.backfill import build_backfill, resume_in_background

    resume_in_background(build_backfill(services, app.client))
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="relbot-draft")
    pending: dict[Future[None], None] = {}  # an ordered set of the jobs not finished yet
    parent = multiprocessing.parent_process()
    while parent is None or parent.is_alive():  # a killed front must not leave an orphan behind
        if terminated and time.monotonic() - terminated[0] > TERM_WAIT_S:
            break
        try:
            job = queue.get(timeout=1.0)
        except Empty:
            continue
        if isinstance(job, Stop):
            _finish(pool, pending, deadline=time.monotonic() + job.seconds)
            return
        future = pool.submit(_dispatch, app, job)
        pending[future] = None
        future.add_done_callback(lambda done: pending.pop(done, None))
    pool.shutdown(wait=False, cancel_futures=True)


def _app_when_reachable(services: Services, stopping: Callable[[], bool]) -> App | None:
    """The worker's app, once the state database (and store) can be reached. A worker started during an outage
    waits for them instead of exiting: the front would only start another into the same outage, and each exit
    loses the drafts already queued for it. None if the front went away (or signalled) meanwhile."""
    from relbot.slack.app import build_worker_app

    parent = multiprocessing.parent_process()
    waiting_since: float | None = None
    while parent is None or parent.is_alive():
        try:
            return build_worker_app(services)
        except (StateUnavailableError, StoreUnavailableError) as exc:
            if waiting_since is None:
                waiting_since = time.monotonic()
                log.warning("The draft worker is waiting for its storage to come back: %s", type(exc).__name__)
            if stopping() and time.monotonic() - waiting_since > TERM_WAIT_S:
                return None
            time.sleep(UNREACHABLE_RETRY_S)
    return None


def _finish(pool: ThreadPoolExecutor, pending: dict[Future[None], None], *, deadline: float) -> None:
    """Run queued jobs until ``deadline``; then drop the ones not started (running ones end on their own)."""
    for future in list(pending):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        with contextlib.suppress(Exception):  # _dispatch logs its own failures; a timeout just ends the wait
            future.result(timeout=left)
    dropped = sum(1 for future in list(pending) if future.cancel())
    if dropped:
        log.warning("Stopping: %d queued draft(s) were not started and are dropped; their users can ask again.",
                    dropped)
    pool.shutdown(wait=True)


def _warm_up(services: Services) -> None:
    """Open the store and load the model now, so the first user's draft does not pay for it."""
    try:
        services.retriever  # noqa: B018 (cached_property: touching it builds the store and embedder)
    except Exception as exc:
        log.warning("Warm-up failed (%s); the first request will try again.", type(exc).__name__)


def _dispatch(app: App, job: Job) -> None:
    body, name, headers = job
    headers = {**headers, "x-slack-bolt-lazy-only": ["1"], "x-slack-bolt-lazy-function-name": [name]}
    try:
        # mode="socket_mode" takes the already-parsed body as is; verification is off in the worker's app.
        app.dispatch(BoltRequest(body=body, headers=headers, mode="socket_mode"))
    except Exception as exc:  # a listener's own errors are handled inside; this is the last resort
        log.info("Worker dispatch failed: %s", type(exc).__name__)
