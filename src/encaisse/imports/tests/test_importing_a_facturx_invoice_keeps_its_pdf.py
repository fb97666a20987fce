"""A Factur-X PDF invoice: its XML gives the invoice (or credit note) and its buyer, the
PDF is kept for reminders; importing it again adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from encaisse.imports.facturx.service import import_facturx
from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.facturx_samples import (
    BUYER_SIREN,
    BUYER_SIRET,
    SELLER_SIREN,
    SELLER_VAT,
    facturx_pdf,
)
from encaisse.ledger.models import Customer, Invoice, InvoiceDocument, InvoiceKind
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import CustomerFactory, LegalEntityFactory, PaymentFactory


@pytest.fixture
def seller(db, settings, tmp_path):
    """The legal entity that issues the invoices, with its SIREN and VAT number."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return LegalEntityFactory(siren=SELLER_SIREN, vat_number=SELLER_VAT)


def test_a_minimum_profile_invoice_creates_its_customer_and_keeps_the_pdf(
    seller, write_file, tmp_path
):
    pdf = facturx_pdf()
    result = import_facturx(path=write_file("FA-2026-0042.pdf", pdf))
    assert result.ok, result.message
    assert result.file_format == {"format": "Factur-X PDF", "profile": "MINIMUM"}
    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.kind, invoice.amount, invoice.currency) == (
        "FA-2026-0042", InvoiceKind.INVOICE, Decimal("1440.00"), "EUR",
    )  # fmt: skip
    assert invoice.issue_date == dt.date(2026, 1, 15)
    assert invoice.due_date == dt.date(2026, 2, 14)  # no BT-9 in MINIMUM: 30 days' terms
    customer = invoice.customer
    assert (customer.external_id, customer.name, customer.siren, customer.siret) == (
        BUYER_SIRET, "Boulangerie Lefèvre SARL", BUYER_SIREN, BUYER_SIRET,
    )  # fmt: skip
    created = "customer Boulangerie Lefèvre SARL created"
    assert any(note.startswith(created) for note in result.notes)
    document = InvoiceDocument.objects.get()
    assert (document.invoice, document.original_name, document.size) == (
        invoice, "FA-2026-0042.pdf", len(pdf),
    )  # fmt: skip
    assert document.file.path.startswith(str(tmp_path / "media" / "invoices"))
    with document.file.open("rb") as handle:
        assert handle.read() == pdf


def test_importing_the_same_pdf_again_adds_nothing(seller, write_file):
    path = write_file("FA-2026-0042.pdf", facturx_pdf())
    import_facturx(path=path)
    again = import_facturx(path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert "PDF already kept (same file): nothing added" in again.notes
    assert (Invoice.objects.count(), Customer.objects.count(), InvoiceDocument.objects.count()) == (
        1, 1, 1,
    )  # fmt: skip


def test_a_basic_invoice_gives_its_due_date_and_finds_its_customer_by_siren(seller, write_file):
    known = CustomerFactory(entity=seller, external_id="C0001", siren=BUYER_SIREN)
    pdf = facturx_pdf(profile="basic", number="FA-2026-0043", due_date="20260301")
    result = import_facturx(path=write_file("f.pdf", pdf))
    assert result.ok, result.message
    invoice = Invoice.objects.get()
    assert (invoice.customer, invoice.due_date) == (known, dt.date(2026, 3, 1))
    assert Customer.objects.count() == 1


def test_the_buyer_id_is_the_customers_external_id(seller, write_file):
    known = CustomerFactory(entity=seller, external_id="C0001", name="Lefèvre")
    pdf = facturx_pdf(profile="basic", buyer_id="C0001", buyer_siret=None, buyer_vat=None)
    import_facturx(path=write_file("f.pdf", pdf))
    assert Invoice.objects.get().customer == known


def test_a_credit_note_is_a_negative_amount(seller, write_file):
    pdf = facturx_pdf(number="AV-2026-0002", type_code="381", total="120.00")
    import_facturx(path=write_file("avoir.pdf", pdf))
    credit_note = Invoice.objects.get()
    assert (credit_note.kind, credit_note.amount) == (InvoiceKind.CREDIT_NOTE, Decimal("-120.00"))


def test_a_new_pdf_of_the_same_invoice_updates_it_and_becomes_its_latest(seller, write_file):
    import_facturx(path=write_file("v1.pdf", facturx_pdf()))
    result = import_facturx(path=write_file("v2.pdf", facturx_pdf(total="1500.00")))
    assert (result.updated, Invoice.objects.get().amount) == (1, Decimal("1500.00"))
    assert InvoiceDocument.objects.count() == 2
    assert InvoiceDocument.objects.latest().original_name == "v2.pdf"


def test_a_suppliers_invoice_is_refused(seller, write_file):
    result = import_facturx(path=write_file("f.pdf", facturx_pdf(seller_siren="732829320")))
    assert result.status == ImportStatus.FAILED
    assert result.message == (
        "BT-27 (seller): Transports Rhône-Loire has SIREN 732829320, not 552100554 of legal "
        "entity TRL: is this a supplier's invoice?"
    )
    assert not Invoice.objects.exists()


def test_the_command_imports_a_facturx_pdf(seller, write_file):
    out = StringIO()
    call_command("import", "facturx", str(write_file("f.pdf", facturx_pdf())), stdout=out)
    text = out.getvalue()
    assert "Read f.pdf as Factur-X PDF, profile MINIMUM" in text
    assert "Note: PDF kept for reminders" in text
    assert "Imported facturx from f.pdf: 1 created, 0 updated, 0 unchanged, 0 rejected" in text


def test_a_new_pdf_cannot_take_a_lettered_invoice_below_what_is_paid(seller, write_file):
    """The Factur-X invoice goes straight to the ledger (record_invoice), under the same rule
    as the CSV and FEC imports: a lettered invoice keeps at least what is lettered."""
    import_facturx(path=write_file("v1.pdf", facturx_pdf()))
    invoice = Invoice.objects.get()
    payment = PaymentFactory(customer=invoice.customer, amount=Decimal("900.00"))
    allocate(invoice=invoice, payment=payment, amount=Decimal("900.00"))
    before = Invoice.objects.values().get()

    result = import_facturx(path=write_file("v2.pdf", facturx_pdf(total="500.00")))

    assert result.status == ImportStatus.FAILED
    assert result.message == (
        f"BT-1 (invoice number): {invoice.number}: amount: below the 900.00 already lettered"
    )
    assert Invoice.objects.values().get() == before
    assert InvoiceDocument.objects.count() == 1
