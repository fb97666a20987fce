"""The import pages: finance uploads, follows a progress bar, reads the report; a sales
rep never finds them (404, as for a customer outside the portfolio)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.services import run_import
from encaisse.imports.tests.conftest import FRENCH_INVOICES


def upload(client, content: bytes, name: str = "factures.csv", **fields: object):
    data = {"kind": "invoices", "file": SimpleUploadedFile(name, content), **fields}
    return client.post("/imports/new/", data)


def test_finance_uploads_a_file_follows_the_progress_then_reads_the_report(
    client, finance_fanny, portfolios, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    client.force_login(finance_fanny)
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, FRENCH_INVOICES.encode("cp1252"))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{run.pk}/"
    assert len(callbacks) == 1  # the background job, queued once the run is committed
    assert (run.created_by, run.status, run.origin) == (
        finance_fanny,
        ImportStatus.QUEUED,
        "upload",
    )
    assert (tmp_path / "imports" / f"{run.pk}-factures.csv").read_bytes() == FRENCH_INVOICES.encode(
        "cp1252"
    )

    waiting = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert 'class="progress' in waiting
    assert "Waiting to start" in waiting

    run_import(import_run_id=run.pk)  # what the background job does
    done = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done  # the poll stops on the report
    assert 'data-testid="import-report"' in done
    assert "Every row was imported." in done
    assert ImportRun.objects.get().rows_created == 3


def test_the_progress_bar_follows_the_rows_checked(client, finance_fanny):
    run = ImportRun.objects.create(
        kind="invoices", file_name="big.csv", status=ImportStatus.CHECKING,
        progress_done=250_000, progress_total=1_000_000,
    )  # fmt: skip
    client.force_login(finance_fanny)
    poll = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert poll.lstrip().startswith('<div id="run-status"')  # the block alone, swapped in place
    assert 'hx-trigger="every 1s"' in poll
    assert 'aria-valuenow="25"' in poll
    assert "250,000 of about 1,000,000 rows checked" in poll
    run.status = ImportStatus.WRITING
    run.save()
    poll = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "writing them to the ledger" in poll


def test_the_report_lists_the_rejected_rows_and_offers_them_for_download(
    client, finance_fanny, portfolios, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    client.force_login(finance_fanny)
    bad = FRENCH_INVOICES.replace("REMI-2", "NOBODY").encode("cp1252")
    with django_capture_on_commit_callbacks():
        upload(client, bad, partial="on")
    run = ImportRun.objects.get()
    run_import(import_run_id=run.pk)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Imported, some rows rejected" in page
    assert "1 row was rejected; the other rows were imported." in page
    assert "NOBODY" in page
    assert "unknown customer (import the customers first)" in page
    download = client.get(f"/imports/{run.pk}/rejects/")
    assert download.status_code == 200
    assert b"NOBODY" in b"".join(download.streaming_content)


def test_the_list_shows_every_import_with_its_counts(
    client, finance_fanny, portfolios, french_invoices
):
    from encaisse.imports.services import import_file

    import_file(kind="invoices", path=french_invoices)
    client.force_login(finance_fanny)
    page = client.get("/imports/").content.decode()
    assert "factures.csv" in page
    assert "command line" in page
    assert "Imported" in page


def test_a_zero_byte_upload_and_a_bad_mapping_are_form_errors(client, finance_fanny, portfolios):
    client.force_login(finance_fanny)
    response = upload(client, b"")
    assert "The file is empty (0 bytes)." in response.content.decode()
    mapping = SimpleUploadedFile("m.toml", b"separator = ';'")
    response = upload(client, FRENCH_INVOICES.encode(), mapping=mapping)
    assert "unknown setting" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_rep_gets_404_on_every_import_page(client, rep_remi, portfolios, french_invoices):
    from encaisse.imports.services import import_file

    run = import_file(kind="invoices", path=french_invoices)
    client.force_login(rep_remi)
    for url in (
        "/imports/",
        "/imports/new/",
        f"/imports/{run.run_id}/",
        f"/imports/{run.run_id}/rejects/",
    ):
        assert client.get(url).status_code == 404
    assert upload(client, FRENCH_INVOICES.encode()).status_code == 404
    assert ImportRun.objects.count() == 1


def test_the_nav_link_shows_for_finance_only(client, finance_fanny, rep_remi, viewer_victor):
    client.force_login(finance_fanny)
    assert 'href="/imports/"' in client.get("/customers/").content.decode()
    for user in (rep_remi, viewer_victor):
        client.force_login(user)
        assert 'href="/imports/"' not in client.get("/customers/").content.decode()
