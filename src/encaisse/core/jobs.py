"""Background jobs. Embedded default: a small in-process thread pool, so a newcomer needs no
broker. Production: Celery on Redis (when REDIS_URL is set), wired by the dunning work.

A job is a dotted path to a module-level function taking JSON-able keyword arguments, so
the same call works in-process and through a queue. Callers enqueue inside
``transaction.on_commit`` so a job never sees uncommitted rows.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None


def _resolve(path: str) -> Callable[..., Any]:
    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)  # type: ignore[no-any-return]


def _run(path: str, kwargs: dict[str, Any]) -> Any:
    close_old_connections()
    try:
        return _resolve(path)(**kwargs)
    except Exception:
        logger.exception("background job %s failed", path)
        raise
    finally:
        # A job thread must not keep a connection open (it would outlive the job's work).
        connections.close_all()


def enqueue(path: str, **kwargs: Any) -> Future[Any]:
    """Run ``path(**kwargs)`` in the background (in-process pool in the embedded default)."""
    global _pool  # one pool per process, created lazily
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="encaisse-job")
    return _pool.submit(_run, path, kwargs)
