"""A mapping (TOML) or --map names the file's own columns and says how it is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.core.errors import BadInput
from encaisse.imports.fields import Kind, load_mapping, parse_column_options
from encaisse.imports.tests.conftest import run
from encaisse.ledger.models import Invoice

ERP_EXPORT = (
    "Num. pièce|Tiers|Emis le|A payer le|Valeur\nERP-1|REMI-1|01-31-2026|03-02-2026|1.234,50\n"
)
MAPPING = """
# Our ERP's invoice export
delimiter = "|"
decimal_separator = ","
date_format = "mm-dd-yyyy"
encoding = "utf-8"

[columns]
number = "Num. pièce"
customer_external_id = "Tiers"
issue_date = "Emis le"
due_date = "A payer le"
amount = "Valeur"
"""


def test_a_toml_mapping_reads_an_unusual_export(portfolios, write_file):
    mapping = load_mapping(MAPPING, kind=Kind.INVOICES)
    result = run("invoices", write_file("erp.txt", ERP_EXPORT), mapping=mapping)
    assert result.ok, result.problems
    invoice = Invoice.objects.get(number="ERP-1")
    assert (invoice.issue_date, invoice.due_date) == (dt.date(2026, 1, 31), dt.date(2026, 3, 2))
    assert invoice.amount == Decimal("1234.50")


def test_map_options_name_columns_on_the_command_line(portfolios, write_file):
    data = "Pièce;Compte client;Date;Échéance;TTC\nX-1;REMI-2;2026-01-01;2026-02-01;10\n"
    columns = parse_column_options(
        ["number=Pièce", "customer_external_id = Compte client"], kind=Kind.INVOICES
    )
    mapping = load_mapping("", kind=Kind.INVOICES).with_columns(columns)
    assert run("invoices", write_file("f.csv", data), mapping=mapping).ok
    assert Invoice.objects.get(number="X-1").customer == portfolios["remi2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("delimiter = ", "mapping: not valid TOML"),
        ("separator = ';'", "mapping: unknown setting 'separator'"),
        ("[columns]\nnumero = 'N°'", "mapping: 'numero' is not a field of invoices"),
        ("encoding = 'klingon'", "mapping: unknown encoding 'klingon'"),
        ("date_format = 'the day after'", "date format: 'the day after' is not one of"),
        ("decimal_separator = ';'", "mapping: decimal_separator must be ',' or '.'"),
        ("delimiter = ';;'", "mapping: delimiter must be one character"),
    ],
)
def test_a_wrong_mapping_says_what_is_wrong(text, message):
    with pytest.raises(BadInput, match="^" + message.replace("(", r"\(")):
        load_mapping(text, kind=Kind.INVOICES)


def test_a_mapped_column_missing_from_the_file_lists_the_columns(portfolios, write_file):
    mapping = load_mapping("[columns]\nnumber = 'Facture'", kind=Kind.INVOICES)
    result = run(
        "invoices", write_file("f.csv", "N° facture;Code client;Date;Montant\n"), mapping=mapping
    )
    assert result.message == (
        "row 1 (header), column Facture: not in the file (mapped to number); "
        "the columns are: 'N° facture', 'Code client', 'Date', 'Montant'"
    )


def test_a_map_option_without_equals_is_refused():
    with pytest.raises(BadInput, match="--map: 'number' is not FIELD=COLUMN"):
        parse_column_options(["number"], kind=Kind.INVOICES)
