"""The Celery worker process importing an upload is killed (SIGKILL, out of memory): the
job is given back and delivered again at once, and the run is imported again from the
start (its writing is all or nothing: the dead process wrote nothing); killed a second
time, the run fails with its reason on the import page, never stuck "checking"."""

from __future__ import annotations

import html
import os
import signal
import time

import pytest

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.ledger.models import Customer

ROWS = 100_000


@pytest.fixture
def big_upload(celery_workers, client, finance_fanny, tmp_path, settings):
    """Uploads 100,000 customers (a few seconds to check) on the import page, REDIS_URL
    set: its run id."""
    settings.DATA_DIR = tmp_path
    path = tmp_path / "clients.csv"
    lines = ["external_id;name", *(f"C{index:06d};Client {index}" for index in range(ROWS))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    client.force_login(finance_fanny)
    with path.open("rb") as upload:
        response = client.post(
            "/imports/new/", {"kind": "customers", "file": upload, "create_missing": "on"}
        )
    assert response.status_code == 302
    return ImportRun.objects.get().pk


def kill_its_worker_while_checking(run_id: int, celery_workers, *, not_pid: int = 0) -> int:
    """SIGKILL the worker process that is checking the run's rows: its process id."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_id)
        pid = int((run.worker.split(":")[1:2] or ["0"])[0])
        if pid and pid != not_pid and run.status == ImportStatus.CHECKING and run.progress_done:
            assert pid != os.getpid(), "the import runs in the test's process"
            os.kill(pid, signal.SIGKILL)
            return pid
        time.sleep(0.05)
    pytest.fail(f"the import was never seen checking: {run.status} {run.message} {run.worker}")


def finished(run_id: int, celery_workers) -> ImportRun:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.2)
    pytest.fail(f"import #{run_id} is still {run.status}: {celery_workers.output()}")


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_worker_is_killed_is_imported_again(big_upload, celery_workers):
    celery_workers.start(pool="prefork")  # one child process runs the jobs
    kill_its_worker_while_checking(big_upload, celery_workers)
    run = finished(big_upload, celery_workers)
    assert (run.status, run.rows_created) == (ImportStatus.SUCCEEDED, ROWS)
    assert (run.attempts, run.interruptions) == (2, 1)
    assert Customer.objects.count() == ROWS


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_worker_is_killed_twice_fails_and_says_why(
    big_upload, celery_workers, client
):
    celery_workers.start(pool="prefork")
    first = kill_its_worker_while_checking(big_upload, celery_workers)
    kill_its_worker_while_checking(big_upload, celery_workers, not_pid=first)
    run = finished(big_upload, celery_workers)
    assert (run.status, run.attempts, run.interruptions) == (ImportStatus.FAILED, 2, 2)
    assert Customer.objects.count() == 0
    page = html.unescape(
        client.get(f"/imports/{big_upload}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "Nothing was imported." in page
    assert "The process running this import stopped before it finished, 2 times." in page
