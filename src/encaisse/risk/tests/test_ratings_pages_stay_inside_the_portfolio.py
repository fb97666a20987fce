"""Finance uploads a ratings file on the import page (with a mapping); the rating shows on
the customer page of whoever sees the customer, with its age and trend; a rep sees ratings
only for their portfolio (404 outside it)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.services import run_import
from encaisse.risk.models import CreditRating


def ratings_text(rated) -> str:
    return (
        "Ident;Note;Date\n"
        f"{rated['remi1'].siren};80;15/01/2026\n"
        f"{rated['remi1'].siren};64;15/03/2026\n"
        f"{rated['paul1'].siren};50;15/03/2026\n"
    )


def test_finance_uploads_ratings_with_a_mapping_on_the_import_page(
    client, rated, finance_fanny, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client.force_login(finance_fanny)
    form = client.get("/imports/new/").content.decode()
    assert 'value="ratings"' in form
    assert "recommended_limit" in form  # its fields are listed with the others
    response = client.post(
        "/imports/new/",
        {
            "kind": "ratings",
            "file": SimpleUploadedFile("notes.csv", ratings_text(rated).encode()),
            "mapping": SimpleUploadedFile("notes.toml", b'[columns]\nsiren = "Ident"\n'),
        },
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    run_import(import_run_id=run.pk)  # what the background job does
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED, run.message
    assert run.rows_created == 3
    report = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Credit ratings" in report


def test_a_bad_mapping_for_ratings_is_refused_on_the_form(client, rated, finance_fanny):
    client.force_login(finance_fanny)
    response = client.post(
        "/imports/new/",
        {
            "kind": "ratings",
            "file": SimpleUploadedFile("notes.csv", ratings_text(rated).encode()),
            "mapping": SimpleUploadedFile("notes.toml", b'[columns]\nnumber = "Ident"\n'),
        },
    )
    assert response.status_code == 200
    assert "is not a field of ratings" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_rep_sees_the_ratings_of_his_customers_only(client, rated, rep_remi, write_file):
    from django.core.management import call_command

    call_command("import", "ratings", str(write_file("n.csv", ratings_text(rated))),
                 "--map", "siren=Ident", "--quiet")  # fmt: skip
    assert CreditRating.objects.count() == 3
    client.force_login(rep_remi)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        own = client.get(f"/customers/{rated['remi1'].pk}/").content.decode()
    assert 'data-testid="ratings-panel"' in own
    assert "Score 64/100" in own
    assert 'data-testid="rating-trend"' in own  # down from 80
    assert "rated 8\u00a0months ago" in own
    history = client.get(f"/risk/customers/{rated['remi1'].pk}/ratings/")
    assert history.status_code == 200
    assert "80" in history.content.decode()
    assert client.get(f"/risk/customers/{rated['paul1'].pk}/ratings/").status_code == 404
    assert client.get(f"/risk/customers/{rated['paul1'].pk}/cover/").status_code == 404


def test_the_upload_page_stays_closed_to_a_rep(client, rep_remi):
    client.force_login(rep_remi)
    assert client.get("/imports/new/").status_code == 404
