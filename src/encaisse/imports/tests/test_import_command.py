"""`encaisse import` as an operator runs it: a summary line, each problem on stderr, exit 2."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.imports.models import ImportRun
from encaisse.ledger.models import Invoice


def call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_what_it_read_and_did(portfolios, french_invoices):
    out, _err = call("invoices", str(french_invoices))
    assert (
        "Read factures.csv as CSV, Windows-1252, semicolon-separated, decimal comma, "
        "dates dd/mm/yyyy" in out
    )
    assert (
        "Imported invoices from factures.csv: 3 created, 0 updated, 0 unchanged, 0 rejected" in out
    )
    out, _err = call("invoices", str(french_invoices), "--quiet")
    assert out.startswith("Imported invoices from factures.csv: 0 created, 0 updated, 3 unchanged")


def test_bad_rows_are_listed_and_the_command_fails(portfolios, write_file):
    path = write_file(
        "f.csv", "N° facture;Code client;Date facture;Montant TTC\nF-1;NOBODY;01/01/2026;10\n"
    )
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", "invoices", str(path), stderr=err)
    assert failure.value.returncode == 2
    assert (
        err.getvalue() == "row 2, column Code client: value 'NOBODY': "
        "unknown customer (import the customers first)\n"
    )
    assert str(failure.value) == (
        "f.csv: nothing was imported: 1 problem in 1 of 1 row "
        "(fix them, or import with --partial to import the good rows)"
    )


def test_partial_map_entity_and_rejects_options(portfolios, write_file, tmp_path):
    path = write_file(
        "f.csv", "Pièce;Compte;Date;Montant\nF-1;REMI-1;01/01/2026;10\nF-2;NOBODY;01/01/2026;10\n"
    )
    rejects = tmp_path / "rejets.csv"
    out, err = call(
        "invoices", str(path), "--map", "number=Pièce", "--map", "customer_external_id=Compte",
        "--entity", "trl", "--partial", "--rejects", str(rejects),
    )  # fmt: skip
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert f"Rejected rows, with the reason, written to {rejects}" in out
    assert "row 3, column Compte" in err
    assert Invoice.objects.filter(number="F-1").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("invoices", "f.csv", "--entity", "XYZ"), "--entity: no legal entity 'XYZ' (known: TRL"),
        (("invoices", "f.csv", "--map", "numero=N°"), "--map: 'numero' is not a field of invoices"),
        (
            ("invoices", "f.csv", "--mapping", "missing.toml"),
            "--mapping: no such file missing.toml",
        ),
        (("invoices", "f.csv", "--rejects", "r.csv"), "--rejects: only with --partial"),
    ],
)
def test_bad_options_are_one_line_errors(
    portfolios, write_file, monkeypatch, tmp_path, args, message
):
    monkeypatch.chdir(tmp_path)
    write_file("f.csv", "number;customer_external_id;issue_date;amount\nF-1;REMI-1;2026-01-01;10\n")
    with pytest.raises(CommandError) as failure:
        call(*args)
    assert message in str(failure.value)
    assert failure.value.returncode == 2


def test_help_documents_every_field_and_the_mapping(capsys):
    with pytest.raises(SystemExit):
        call_command("import", "--help")
    text = capsys.readouterr().out
    for field in ("external_id", "sales_rep_email", "agency_code", "payment_terms_days",
                  "customer_external_id", "due_date", "disputed", "invoice_number", "reference",
                  "--partial", "--create-missing", "--mapping", "--map", "date_format",
                  "decimal_separator"):  # fmt: skip
        assert field in text


def test_every_command_line_import_is_recorded(portfolios, french_invoices):
    call("invoices", str(french_invoices))
    record = ImportRun.objects.get()
    assert (record.origin, record.created_by, record.rows_created) == ("command_line", None, 3)
