"""The recoveries act only on jobs whose worker is gone: a process of this machine that no
longer runs, or a worker anywhere that gave no sign of life for too long."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

from django.utils import timezone

from encaisse.core.jobs import retry_delay, worker_id, worker_is_gone

NOW = timezone.now()
HOST = socket.gethostname()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # reaped: its process id names no process now
    return process.pid


def test_a_process_of_this_machine_that_stopped_is_gone_at_once():
    assert worker_is_gone(f"{HOST}:{dead_pid()}:abcd", NOW, now=NOW)


def test_a_running_process_of_this_machine_is_alive_even_when_silent():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        silent_since = NOW - dt.timedelta(seconds=60)
        assert not worker_is_gone(f"{HOST}:{sleeper.pid}:abcd", silent_since, now=NOW)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_this_process_is_alive_but_not_an_earlier_one_with_the_same_id():
    assert not worker_is_gone(worker_id(), None, now=NOW)
    assert worker_is_gone(f"{HOST}:{os.getpid()}:another-process", NOW, now=NOW)


def test_a_worker_of_another_machine_is_gone_after_its_silence(settings):
    settings.ENCAISSE_JOB_LOST_AFTER_SECONDS = 300
    worker = "another-machine:4242:abcd"
    assert not worker_is_gone(worker, NOW - dt.timedelta(seconds=299), now=NOW)
    assert worker_is_gone(worker, NOW - dt.timedelta(seconds=301), now=NOW)


def test_retries_wait_longer_each_time_within_a_maximum(settings):
    settings.ENCAISSE_JOB_RETRY_BACKOFF_SECONDS = 30
    settings.ENCAISSE_JOB_RETRY_BACKOFF_MAX_SECONDS = 600
    assert [retry_delay(done) for done in range(6)] == [30, 60, 120, 240, 480, 600]
