"""The one job layer: every background job (dunning runs, the outbox, uploads, notification
e-mails...) is declared with ``@job`` in its app's ``tasks.py`` and started with ``enqueue``.

- With REDIS_URL set, Celery workers on Redis run it (``encaisse worker``).
- Without (the embedded default: SQLite, no broker), a small pool of threads in this process
  runs it; the in-process scheduler runs the scheduled ones with ``run_now``.

Both apply the job's policy the same way. A transient error (``transient``, e.g. an SMTP
error) is retried ``retries`` times, after 30 s, then 1, 2, 4... minutes (doubling, at most
10; ENCAISSE_JOB_RETRY_BACKOFF_SECONDS). After the last retry, or on any other error, the job
has failed for good: it is logged as an error and its ``gave_up`` hook records the failure on
what the job was about (a notification, an import), never dropped in silence.

A job lost with its worker: Celery delivers an idempotent job again (acknowledged only once
done, given back when its worker dies; Redis hands it out again after
ENCAISSE_JOB_REDELIVER_AFTER_SECONDS). What a job leaves half done is found by the
recoveries (ENCAISSE_JOB_RECOVERIES), run when a worker or the app starts and then every
minute: they tell a dead worker by ``worker_is_gone``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Job(Task):  # type: ignore[misc]  # Celery has no type hints
    """A Celery task with the layer's retry and failure policy (declare one with ``job``)."""

    transient: tuple[type[Exception], ...] = ()
    max_retries = 0
    gave_up: Callable[..., object] | None = None
    acks_late = True
    reject_on_worker_lost = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # What a Celery worker runs (its request is already pushed: it knows the retries).
        try:
            return self.run(*args, **kwargs)
        except self.transient as error:
            done = int(self.request.retries or 0)
            if done >= self.max_retries:
                raise
            delay = retry_delay(done)
            _log_retry(self.name, kwargs, error, done, delay)
            raise self.retry(exc=error, countdown=delay) from error

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        # Celery calls it once the job has failed for good (not on a retry).
        job_failed(self, dict(kwargs or {}), exc, attempts=int(self.request.retries or 0) + 1)


def job(
    *,
    transient: tuple[type[Exception], ...] = (),
    retries: int = 0,
    gave_up: Callable[..., object] | None = None,
    idempotent: bool = True,
) -> Callable[[Callable[..., Any]], Any]:
    """Declare a background job: ``fn`` becomes a Celery task named by its dotted path.

    ``transient``: the errors worth trying again, ``retries`` times with backoff.
    ``gave_up(error=..., **kwargs)``: records on the job's object that it failed for good.
    ``idempotent``: running it twice is harmless, so a job whose worker died is delivered
    again; otherwise it is acknowledged before it runs (and lost with its worker).
    """

    def declare(fn: Callable[..., Any]) -> Any:
        return shared_task(
            base=Job,
            name=f"{fn.__module__}.{fn.__name__}",
            transient=tuple(transient),
            max_retries=retries,
            gave_up=staticmethod(gave_up) if gave_up else None,
            acks_late=idempotent,
            reject_on_worker_lost=idempotent,
        )(fn)

    return declare


def retry_delay(retries_done: int) -> float:
    """Seconds before the next try: the backoff, doubled at each retry, within its maximum."""
    first = float(settings.ENCAISSE_JOB_RETRY_BACKOFF_SECONDS)
    return min(first * 2**retries_done, float(settings.ENCAISSE_JOB_RETRY_BACKOFF_MAX_SECONDS))


def job_named(name: str) -> Job:
    task = import_string(name)
    if not isinstance(task, Job):
        raise TypeError(f"{name} is not a job (declare it with encaisse.core.jobs.job)")
    return task


def enqueue(name: str, **kwargs: Any) -> None:
    """Start the job ``name`` (the dotted path of a ``@job``) with JSON-able keyword
    arguments once the current transaction commits (at once outside one), so that it sees
    the rows it is about. The one way to start a background job."""
    task = job_named(name)
    transaction.on_commit(lambda: _start(task, kwargs))


def _start(task: Job, kwargs: dict[str, Any]) -> None:
    if not settings.REDIS_URL:
        _in_process.submit(task, kwargs)
        return
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:  # the broker is down: what the job is about stays queued in the database
        logger.exception(
            "job %s(%s): Redis refused it; a recovery queues it again", task.name, kwargs
        )


def run_now(name: str, **kwargs: Any) -> None:
    """Run the job in this thread with the same policy (its retries wait here): the
    in-process scheduler's way."""
    task = job_named(name)
    done = 0
    while (delay := attempt(task, kwargs, done)) is not None:
        time.sleep(delay)
        done += 1


def attempt(task: Job, kwargs: dict[str, Any], retries_done: int) -> float | None:
    """One try of a job outside Celery: the delay before the next try, or None when the job
    is over (done, or failed for good and recorded so)."""
    try:
        task.run(**kwargs)
    except task.transient as error:
        if retries_done < task.max_retries:
            delay = retry_delay(retries_done)
            _log_retry(task.name, kwargs, error, retries_done, delay)
            return delay
        job_failed(task, kwargs, error, attempts=retries_done + 1)
    except Exception as error:
        job_failed(task, kwargs, error, attempts=retries_done + 1)
    return None


def _log_retry(
    name: str, kwargs: dict[str, Any], error: BaseException, done: int, delay: float
) -> None:
    logger.warning(
        "job %s(%s) failed (%s: %s); attempt %d in %.0f s",
        name, kwargs, type(error).__name__, error, done + 2, delay,
    )  # fmt: skip


def job_failed(task: Job, kwargs: dict[str, Any], error: BaseException, *, attempts: int) -> None:
    """A job failed for good: logged as an error, and recorded by its ``gave_up`` hook."""
    logger.error(
        "job %s(%s) failed for good after %d attempt(s): %s: %s",
        task.name, kwargs, attempts, type(error).__name__, error, exc_info=error,
    )  # fmt: skip
    if task.gave_up is None:
        return
    try:
        task.gave_up(error=f"{type(error).__name__}: {error}"[:2000], **kwargs)
    except Exception:
        logger.exception("job %s(%s): recording its failure failed", task.name, kwargs)


class _ThreadPool:
    """The in-process backend: two threads; a retry waits on a timer, not in a thread."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, task: Job, kwargs: dict[str, Any], retries_done: int = 0) -> None:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="encaisse-job")
            pool = self._pool
        pool.submit(self._run, task, kwargs, retries_done)

    def _run(self, task: Job, kwargs: dict[str, Any], retries_done: int) -> None:
        close_old_connections()
        try:
            delay = attempt(task, kwargs, retries_done)
        finally:
            # A job thread keeps no connection (it would outlive the job's work).
            connections.close_all()
        if delay is not None:
            timer = threading.Timer(delay, self.submit, (task, kwargs, retries_done + 1))
            timer.daemon = True
            timer.start()


_in_process = _ThreadPool()


# ---------------------------------------------------------------- workers, alive or gone


_identity: tuple[int, str] | None = None


def worker_id() -> str:
    """This process as the worker of a job: host, process id, and a token of its own (a
    process id is reused, by a restarted container for one)."""
    global _identity  # one per process, made again in a forked child
    pid = os.getpid()
    if _identity is None or _identity[0] != pid:
        _identity = (pid, f"{socket.gethostname()}:{pid}:{secrets.token_hex(4)}")
    return _identity[1]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:  # killed but not yet reaped by its parent
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def worker_is_gone(worker: str, last_sign_of_life: dt.datetime | None, *, now: dt.datetime) -> bool:
    """Whether the worker that took a job is gone: a process of this machine that no longer
    runs, or (any machine) no sign of life for ENCAISSE_JOB_LOST_AFTER_SECONDS."""
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return worker != worker_id()  # this very process is alive
        if not _process_alive(pid):
            return True
    lost_after = dt.timedelta(seconds=settings.ENCAISSE_JOB_LOST_AFTER_SECONDS)
    return last_sign_of_life is None or now - last_sign_of_life > lost_after


@contextmanager
def heartbeat(beat: Callable[[], object]) -> Iterator[None]:
    """Call ``beat`` (record a sign of life) every ENCAISSE_JOB_HEARTBEAT_SECONDS from a
    thread while the block runs: a long job is never taken for a lost one."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(settings.ENCAISSE_JOB_HEARTBEAT_SECONDS):
            try:
                beat()
            except Exception as error:  # the database is busy: the next beat will do
                logger.warning("heartbeat missed: %s", error)
            finally:
                connections.close_all()

    threading.Thread(target=loop, name="encaisse-heartbeat", daemon=True).start()
    try:
        yield
    finally:
        stop.set()


def recover_lost_jobs(*, at_start: bool = False) -> int:
    """Queue again, or mark failed, what jobs whose worker is gone left half done (each
    recovery of ENCAISSE_JOB_RECOVERIES); ``at_start``: this worker or app is starting, so
    what this process had queued in memory is gone too. How many were recovered."""
    total = 0
    for path in settings.ENCAISSE_JOB_RECOVERIES:
        try:
            total += int(import_string(path)(at_start=at_start))
        except Exception:
            logger.exception("recovering lost jobs: %s failed", path)
    if total:
        logger.warning("recovered %d lost job(s)", total)
    return total


def recover_lost_jobs_at_start() -> None:
    """What ``encaisse serve`` and ``encaisse demo`` run first without REDIS_URL."""
    recover_lost_jobs(at_start=True)
