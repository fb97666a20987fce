"""The parser knows no model; these checks keep its field lists in line with the ledger."""

from __future__ import annotations

from encaisse.imports.fields import SCHEMAS, Kind
from encaisse.imports.loaders import CustomerLoader
from encaisse.imports.models import ImportKind
from encaisse.imports.values import SEGMENTS
from encaisse.ledger.models import Customer, Invoice, Payment, Segment


def test_import_kinds_are_the_parsers_kinds():
    assert set(ImportKind.values) >= {kind.value for kind in Kind}


def test_segments_are_the_ledgers_segments():
    assert set(SEGMENTS) == set(Segment.values)


def test_text_lengths_match_the_ledger_columns():
    models = {
        Kind.CUSTOMERS: Customer,
        Kind.INVOICES: Invoice,
        Kind.PAYMENTS: Payment,
    }
    ledger_names = {"sales_rep_email": None, "agency_code": None, "customer_external_id": None,
                    "invoice_number": ("number", Invoice)}  # fmt: skip
    for kind in Kind:  # the ledger's kinds; another app checks the schema it registers
        for spec in SCHEMAS[kind]:
            if not spec.max_length or spec.name in ("sales_rep_email",):
                continue
            target = ledger_names.get(spec.name, (spec.name, models[kind]))
            if spec.name == "agency_code":
                from encaisse.accounts.models import Agency

                target = ("code", Agency)
            if spec.name == "customer_external_id":
                target = ("external_id", Customer)
            name, model = target
            assert model._meta.get_field(name).max_length == spec.max_length, spec.name


def test_customer_loader_writes_only_fields_of_the_customer_model():
    names = {field.name for field in Customer._meta.get_fields()} | {"sales_rep_id", "agency_id"}
    assert {name for name, _type, _source in CustomerLoader.fields} <= names
