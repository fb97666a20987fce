"""An upload whose process died while importing it (the app was killed, the machine
rebooted) is found when the app starts again: imported again once (writing is all or
nothing, so the dead process wrote nothing), and failed with a clear message on the import
page if its process dies a second time. An upload still queued is imported."""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from encaisse.core.jobs import recover_lost_jobs
from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.ledger.models import Customer

ROWS = 100_000


@pytest.fixture
def big_upload(finance_fanny, tmp_path, settings):
    """A queued upload of 100,000 customers (a few seconds to check): its run id."""
    settings.DATA_DIR = tmp_path
    path = tmp_path / "clients.csv"
    lines = ["external_id;name", *(f"C{index:06d};Client {index}" for index in range(ROWS))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = ImportRun.objects.create(
        kind="customers",
        created_by=finance_fanny,
        file_name=path.name,
        stored_file=str(path),
        options={"mapping": {}, "partial": False, "create_missing": True, "entity": ""},
        heartbeat_at=timezone.now(),  # queued by the upload page
    )
    return run.pk


def app_process(worker_env, code: str) -> subprocess.Popen:
    """The app in a process of its own (`encaisse shell`), running ``code``."""
    from conftest import ENCAISSE_COMMAND

    return subprocess.Popen(
        [sys.executable, *ENCAISSE_COMMAND, "shell", "-c", code],
        env=worker_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def kill_while_checking(process: subprocess.Popen, run_id: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_id)
        by_it = run.worker.split(":")[1:2] == [str(process.pid)]
        if by_it and run.status == ImportStatus.CHECKING and run.progress_done > 0:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            return
        assert process.poll() is None, process.communicate(timeout=5)[0].decode()
        time.sleep(0.05)
    pytest.fail("the import never started checking")


def french_page(client, run_id: int) -> str:
    return html.unescape(
        client.get(f"/imports/{run_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )


def finished(run_id: int, within: float = 60.0) -> ImportRun:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.1)
    pytest.fail(f"import #{run_id} did not finish: {run.status}")


@pytest.mark.django_db(transaction=True)
def test_an_import_left_running_by_a_dead_process_is_imported_again_when_the_app_starts(
    big_upload, worker_env, client, finance_fanny
):
    app = app_process(
        worker_env,
        f"from encaisse.imports.services import run_import; run_import(import_run_id={big_upload})",
    )
    kill_while_checking(app, big_upload)
    assert ImportRun.objects.get(pk=big_upload).status == ImportStatus.CHECKING  # left so
    assert Customer.objects.count() == 0  # nothing written

    assert recover_lost_jobs(at_start=True) == 1  # what `encaisse serve` does first
    run = finished(big_upload)  # by this process's job threads
    assert (run.status, run.rows_created) == (ImportStatus.SUCCEEDED, ROWS)
    assert (run.attempts, run.interruptions) == (2, 1)
    assert run.worker.split(":")[1] == str(os.getpid())
    client.force_login(finance_fanny)
    page = french_page(client, big_upload)
    assert "Relancé après l'arrêt du processus qui l'exécutait." in page


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_process_dies_twice_fails_and_the_page_says_so(
    big_upload, worker_env, client, finance_fanny
):
    first = app_process(
        worker_env,
        f"from encaisse.imports.services import run_import; run_import(import_run_id={big_upload})",
    )
    kill_while_checking(first, big_upload)
    # The app starts again, queues the import again in its job threads, and dies again.
    again = app_process(
        worker_env,
        "from encaisse.core.jobs import recover_lost_jobs; import time; "
        "recover_lost_jobs(at_start=True); time.sleep(60)",
    )
    kill_while_checking(again, big_upload)

    assert recover_lost_jobs(at_start=True) == 1
    run = ImportRun.objects.get(pk=big_upload)
    assert (run.status, run.attempts, run.interruptions) == (ImportStatus.FAILED, 2, 2)
    assert run.message["msgid"].startswith("The process running this import stopped")
    assert Customer.objects.count() == 0
    client.force_login(finance_fanny)
    page = french_page(client, big_upload)
    assert "Rien n'a été importé." in page
    assert "Le processus qui exécutait cet import s'est arrêté avant la fin, 2 fois." in page
    english = client.get(f"/imports/{big_upload}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The process running this import stopped before it finished, 2 times." in english


@pytest.mark.django_db(transaction=True)
def test_an_upload_still_queued_when_the_app_stopped_is_imported_when_it_starts(big_upload):
    assert recover_lost_jobs() == 0  # queued a moment ago: its job may well be coming
    assert recover_lost_jobs(at_start=True) == 1  # the app starts: its queued jobs are gone
    run = finished(big_upload)
    assert (run.status, run.rows_created, run.attempts) == (ImportStatus.SUCCEEDED, ROWS, 1)
