"""With REDIS_URL set, a file uploaded on the import page is imported by a Celery worker,
never by a thread of the web process."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.core import jobs
from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.tests.conftest import FRENCH_INVOICES


@pytest.mark.django_db(transaction=True)
def test_an_upload_queued_with_redis_runs_in_the_celery_worker(
    client, finance_fanny, portfolios, settings, tmp_path, celery_workers, monkeypatch
):
    def no_thread(*args, **kwargs):
        raise AssertionError("an upload went to the web process's job threads")

    monkeypatch.setattr(jobs._in_process, "submit", no_thread)
    settings.DATA_DIR = tmp_path
    worker = celery_workers.start()
    client.force_login(finance_fanny)
    response = client.post(
        "/imports/new/",
        {"kind": "invoices", "file": SimpleUploadedFile("factures.csv", FRENCH_INVOICES.encode())},
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    deadline = time.monotonic() + 60
    while not run.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert (run.status, run.rows_created) == (ImportStatus.SUCCEEDED, 3), celery_workers.output()
    _host, pid, _token = run.worker.split(":")
    assert int(pid) == worker.pid != os.getpid()
    page = client.get(response["Location"]).content.decode()
    assert "Every row was imported." in page
