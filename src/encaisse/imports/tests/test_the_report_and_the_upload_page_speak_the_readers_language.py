"""The report of an import is kept as plain data and read in the reader's language: finance
reads it in French, an operator in English, from the same stored run; the upload page
explains the fields in French too, and the command prints in the active language."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.services import run_import
from encaisse.imports.tests.conftest import FRENCH_INVOICES
from encaisse.imports.tests.test_import_pages import upload

NBSP = "\u00a0"
# One unknown customer, and a column Encaisse does not read.
BAD_INVOICES = (
    FRENCH_INVOICES.replace("REMI-2", "NOBODY")
    .replace("Montant TTC\r\n", "Montant TTC;Commentaire\r\n", 1)
    .encode("cp1252")
)


def in_french(client):
    client.cookies["django_language"] = "fr"
    return {"HTTP_ACCEPT_LANGUAGE": "fr"}


def in_english(client):
    client.cookies["django_language"] = "en"
    return {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def uploaded(
    client, finance_fanny, portfolios, settings, tmp_path, django_capture_on_commit_callbacks
):
    """An upload, sent from an English page, with a rejected row; imported by the job."""

    def send(content: bytes = BAD_INVOICES, **fields: object) -> ImportRun:
        settings.DATA_DIR = tmp_path
        client.force_login(finance_fanny)
        with django_capture_on_commit_callbacks():
            in_english(client)  # the language cookie of the upload's request
            upload(client, content, **fields)
        run = ImportRun.objects.get()
        run_import(import_run_id=run.pk)
        run.refresh_from_db()
        return run

    return send


def test_a_french_reader_reads_the_rows_reasons_and_notes_in_french(client, uploaded):
    run = uploaded(partial="on")
    assert run.status == ImportStatus.PARTIAL
    page = client.get(f"/imports/{run.pk}/", **in_french(client)).content.decode()
    assert "client inconnu (importez d&#x27;abord les clients)" in page
    assert f"colonnes ignorées{NBSP}: Commentaire" in page
    assert "séparateur point-virgule" in page
    assert "encodage Windows-1252" in page
    assert "unknown customer" not in page
    assert "columns ignored" not in page


def test_the_same_report_reads_in_english_for_an_english_reader(client, uploaded):
    run = uploaded(partial="on")
    page = client.get(f"/imports/{run.pk}/", **in_english(client)).content.decode()
    assert "unknown customer (import the customers first)" in page
    assert "columns ignored: Commentaire" in page
    assert "separator semicolon" in page


def test_why_nothing_was_imported_reads_in_french(client, uploaded):
    """An upload's report says what to do on the page (tick the box), not the command's
    --partial."""
    run = uploaded()
    assert run.status == ImportStatus.FAILED
    page = client.get(f"/imports/{run.pk}/", **in_french(client)).content.decode()
    assert (
        f"rien n&#x27;a été importé{NBSP}: 1 problème dans 1 sur 3 lignes (corrigez-les, ou "
        f"déposez de nouveau le fichier en cochant «{NBSP}Importer les lignes valides et mettre "
        f"de côté les lignes rejetées{NBSP}»)"
    ) in page
    assert "--partial" not in page
    assert "nothing was imported" not in page


def test_a_report_kept_before_its_texts_were_data_still_reads_as_written(client, finance_fanny):
    run = ImportRun.objects.create(
        kind="invoices", file_name="old.csv", status=ImportStatus.PARTIAL, rows_rejected=1,
        message="1 created, 0 updated, 0 unchanged, 1 rejected",
        notes=["columns ignored: Commentaire"], problem_count=1,
        problems=[{"row": 3, "column": "Code client", "value": "X", "reason": "unknown customer"}],
    )  # fmt: skip
    client.force_login(finance_fanny)
    page = client.get(f"/imports/{run.pk}/", **in_french(client)).content.decode()
    assert "columns ignored: Commentaire" in page
    assert "<td>unknown customer</td>" in page


def test_the_rejected_rows_file_is_in_the_language_of_the_upload(
    client, finance_fanny, portfolios, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    client.force_login(finance_fanny)
    with django_capture_on_commit_callbacks():
        in_french(client)
        upload(client, BAD_INVOICES, partial="on")
    run = ImportRun.objects.get()
    run_import(import_run_id=run.pk)  # the job, in the language of the upload's request
    content = b"".join(client.get(f"/imports/{run.pk}/rejects/").streaming_content)
    rows = list(csv.reader(StringIO(content.decode("cp1252")), delimiter=";"))
    assert rows[0][-2:] == ["ligne", "motif"]
    assert rows[1][-1] == f"Code client{NBSP}: client inconnu (importez d'abord les clients)"


def test_the_upload_page_explains_the_fields_in_french(client, finance_fanny, portfolios):
    client.force_login(finance_fanny)
    page = client.get("/imports/new/", **in_french(client)).content.decode()
    assert "raison sociale" in page  # customers: name
    assert f"montant TTC{NBSP}; négatif pour un avoir" in page  # invoices: amount
    assert "le fichier des écritures comptables (FEC" in page  # the FEC kind
    assert "une facture PDF Factur-X" in page
    assert "un relevé bancaire" in page  # the kind the banking app registers
    for english in ("company name", "amount including tax", "the French legal accounting"):
        assert english not in page


def test_the_command_prints_in_the_active_language(portfolios, french_invoices, write_file):
    out = StringIO()
    with translation.override("fr"):
        call_command("import", "invoices", str(french_invoices), stdout=out, stderr=StringIO())
    assert (
        "factures.csv lu comme CSV, Windows-1252, séparateur point-virgule, décimale virgule, "
        "dates jj/mm/aaaa" in out.getvalue()
    )
    assert f"Import invoices depuis factures.csv{NBSP}: 3 créé(s)" in out.getvalue()
    bad = write_file(
        "f.csv", "N° facture;Code client;Date facture;Montant TTC\nF-1;X;01/01/2026;10\n"
    )
    err = StringIO()
    with translation.override("fr"), pytest.raises(CommandError) as failure:
        call_command("import", "invoices", str(bad), stderr=err)
    assert f"ligne 2, colonne Code client{NBSP}: valeur «{NBSP}X{NBSP}»" in err.getvalue()
    assert f"rien n'a été importé{NBSP}: 1 problème" in str(failure.value)
