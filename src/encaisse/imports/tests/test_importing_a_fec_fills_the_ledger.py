"""A FEC from Sage or Pennylane fills the ledger: customers from the 411 auxiliary accounts,
invoices, credit notes and payments; importing it again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.fec.service import import_fec
from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.tests.fec_samples import PENNYLANE_FEC, sage_fec_bytes
from encaisse.ledger.models import Allocation, Customer, Invoice, InvoiceKind, Payment
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory


def test_a_sage_fec_gives_customers_invoices_credit_notes_and_payments(entity, write_file):
    path = write_file("FEC-552100554-20261231.txt", sage_fec_bytes())
    result = import_fec(path=path)
    assert result.ok, result.message
    assert result.file_format == {
        "format": "FEC", "encoding": "Windows-1252", "separator": "tab", "dates": "yyyymmdd",
    }  # fmt: skip
    assert {(c.external_id, c.name, c.payment_terms_days) for c in Customer.objects.all()} == {
        ("C0001", "Boulangerie Lefèvre", 30),
        ("C0002", "Garage Müller & Fils", 30),
    }
    invoices = {i.number: i for i in Invoice.objects.all()}
    assert sorted(invoices) == ["AV2026-001", "FA2026-001", "FA2026-002", "FA2026-003"]
    assert invoices["FA2026-001"].amount == Decimal("1200.00")
    assert invoices["FA2026-001"].issue_date == dt.date(2026, 1, 5)
    assert invoices["AV2026-001"].kind == InvoiceKind.CREDIT_NOTE
    assert invoices["AV2026-001"].amount == Decimal("-120.00")
    # Journal and entry number: unique in the entity (an entry number alone is per journal).
    assert {(p.reference, p.customer.external_id, p.amount) for p in Payment.objects.all()} == {
        ("BQ1-BQ000001", "C0001", Decimal("1200.00")),
        ("BQ1-BQ000002-1", "C0002", Decimal("1000.00")),  # one remittance, two customers
        ("BQ1-BQ000002-2", "C0001", Decimal("480.00")),
    }
    assert not Customer.objects.filter(external_id="F0001").exists()  # a supplier (401)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (9, 0, 0, 0)
    run = ImportRun.objects.get(pk=result.run_id)
    assert (run.kind, run.status, run.entity) == ("fec", ImportStatus.SUCCEEDED, entity)


def test_importing_the_same_fec_again_changes_nothing(entity, write_file):
    path = write_file("fec.txt", sage_fec_bytes())
    import_fec(path=path)
    before = (
        list(Invoice.objects.values_list("number", "due_date", "open_amount", "settled_on")),
        list(Payment.objects.values_list("reference", "unallocated_amount")),
        list(Allocation.objects.values_list("invoice__number", "amount", "date")),
    )
    again = import_fec(path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)
    assert (
        "lettering: 3 letters read, 1 of them partial (what they leave stays open); "
        "0 allocations made" in again.notes
    )
    after = (
        list(Invoice.objects.values_list("number", "due_date", "open_amount", "settled_on")),
        list(Payment.objects.values_list("reference", "unallocated_amount")),
        list(Allocation.objects.values_list("invoice__number", "amount", "date")),
    )
    assert after == before
    assert ImportRun.objects.count() == 2


def test_a_pennylane_fec_with_pipes_and_french_dates(entity, write_file):
    path = write_file("pennylane.txt", PENNYLANE_FEC)
    result = import_fec(path=path)
    assert result.ok, result.message
    assert result.file_format["separator"] == "pipe"
    assert result.file_format["dates"] == "dd/mm/yyyy"
    # A customer on its own account (411DUR), without an auxiliary account.
    durand = Customer.objects.get(external_id="411DUR")
    assert durand.name == "Durand Père et Fils"
    assert Invoice.objects.get(number="F-2026-0102").amount == Decimal("960.00")
    alpha = Invoice.objects.get(number="F-2026-0101")
    assert alpha.open_amount == 0
    assert alpha.settled_on == dt.date(2026, 3, 12)
    assert Payment.objects.get().reference == "BQ-2026-0007"


def test_a_fec_has_no_due_date_so_the_payment_terms_give_it_and_the_report_says_so(
    entity, write_file
):
    CustomerFactory(entity=entity, external_id="C0002", name="Garage Müller", payment_terms_days=60)
    path = write_file("fec.txt", sage_fec_bytes())
    result = import_fec(path=path, payment_terms_days=45)
    lefevre = Customer.objects.get(external_id="C0001")
    assert lefevre.payment_terms_days == 45  # created by the FEC with the terms given
    assert Invoice.objects.get(number="FA2026-001").due_date == dt.date(2026, 2, 19)  # +45
    assert Invoice.objects.get(number="FA2026-002").due_date == dt.date(2026, 3, 13)  # own 60
    assert Customer.objects.get(external_id="C0002").name == "Garage Müller"  # not renamed
    (note,) = [note for note in result.notes if "no due dates" in note]
    assert note.startswith(
        "a FEC has no due dates: the 4 new invoices and credit notes are due after their "
        "customer's payment terms (issue date + 45 days for the customers this import creates"
    )


def test_the_default_payment_terms_come_from_the_setting(entity, write_file, settings):
    settings.ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS = 60
    import_fec(path=write_file("fec.txt", sage_fec_bytes()))
    assert Invoice.objects.get(number="FA2026-001").due_date == dt.date(2026, 3, 6)


def test_an_invoice_already_stored_keeps_its_due_date(entity, write_file):
    customer = CustomerFactory(entity=entity, external_id="C0001")
    InvoiceFactory(
        customer=customer, number="FA2026-001", issue_date=dt.date(2026, 1, 5),
        due_date=dt.date(2026, 3, 31), amount=Decimal("1200.00"),
    )  # fmt: skip
    result = import_fec(path=write_file("fec.txt", sage_fec_bytes()))
    assert result.ok, result.message
    assert Invoice.objects.get(number="FA2026-001").due_date == dt.date(2026, 3, 31)


def test_the_command_imports_a_fec_and_prints_the_report(entity, write_file):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    path = write_file("fec.txt", sage_fec_bytes())
    call_command("import", "fec", str(path), "--payment-terms-days", "45", stdout=out)
    text = out.getvalue()
    assert "Read fec.txt as FEC, Windows-1252, tab-separated, dates yyyymmdd" in text
    assert "Note: a FEC has no due dates" in text
    assert "Imported fec from fec.txt: 9 created, 0 updated, 0 unchanged, 0 rejected" in text
