"""Invoices and credit notes land in the ledger by number: twice is harmless, a changed
row updates the invoice, and the open-amount cache is right after every import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.tests.conftest import run
from encaisse.ledger.models import Invoice, InvoiceKind
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import PaymentFactory


def test_french_excel_invoices_are_created_with_credit_notes_and_open_amounts(
    portfolios, french_invoices
):
    result = run("invoices", french_invoices)
    assert result.ok, result.message
    assert (result.created, result.updated, result.unchanged, result.rejected) == (3, 0, 0, 0)
    invoice = Invoice.objects.get(number="FA-2026-001")
    assert invoice.customer == portfolios["remi1"]
    assert invoice.amount == invoice.open_amount == Decimal("1234.56")
    assert invoice.kind == InvoiceKind.INVOICE
    assert invoice.due_date == dt.date(2026, 2, 14)
    assert invoice.settled_on is None
    credit = Invoice.objects.get(number="AV-2026-001")
    assert credit.kind == InvoiceKind.CREDIT_NOTE
    assert credit.amount == credit.open_amount == Decimal("-120.00")


def test_importing_the_same_file_twice_changes_nothing(portfolios, french_invoices):
    run("invoices", french_invoices)
    before = list(Invoice.objects.order_by("pk").values())
    again = run("invoices", french_invoices)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Invoice.objects.order_by("pk").values()) == before


def test_a_changed_row_updates_the_invoice(portfolios, french_invoices, write_file):
    run("invoices", french_invoices)
    changed = french_invoices.read_text("cp1252").replace("980,00 €", "1 080,00 €")
    result = run("invoices", write_file("factures-v2.csv", changed, "cp1252"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    invoice = Invoice.objects.get(number="FA-2026-002")
    assert invoice.amount == invoice.open_amount == Decimal("1080.00")


def test_an_update_keeps_what_is_already_paid_in_the_open_amount(portfolios, write_file):
    customer = portfolios["remi1"]
    header = "number;customer_external_id;issue_date;due_date;amount\n"
    run("invoices", write_file("a.csv", header + "F-77;REMI-1;2026-01-01;2026-01-31;1000\n"))
    invoice = Invoice.objects.get(number="F-77")
    allocate(
        invoice=invoice,
        amount=Decimal("400"),
        payment=PaymentFactory(customer=customer, amount=Decimal("400")),
    )
    result = run(
        "invoices", write_file("b.csv", header + "F-77;REMI-1;2026-01-01;2026-02-28;1200\n")
    )
    assert result.updated == 1, result.problems
    invoice.refresh_from_db()
    assert (invoice.due_date, invoice.open_amount) == (dt.date(2026, 2, 28), Decimal("800.00"))


def test_a_lettered_invoice_cannot_move_to_another_customer_or_below_what_is_paid(
    portfolios, write_file
):
    header = "number;customer_external_id;issue_date;due_date;amount\n"
    run("invoices", write_file("a.csv", header + "F-78;REMI-1;2026-01-01;2026-01-31;1000\n"))
    invoice = Invoice.objects.get(number="F-78")
    payment = PaymentFactory(customer=portfolios["remi1"], amount=Decimal("600"))
    allocate(invoice=invoice, amount=Decimal("600"), payment=payment)
    result = run(
        "invoices", write_file("b.csv", header + "F-78;REMI-2;2026-01-01;2026-01-31;500\n")
    )
    assert result.status == ImportStatus.FAILED
    assert [p.reason for p in result.problems] == [
        "the customer of F-78 cannot change: it is already lettered",
        "below the 600.00 already lettered",
    ]


def test_without_a_due_date_the_customers_payment_terms_apply(portfolios, write_file):
    portfolios["remi1"].payment_terms_days = 45
    portfolios["remi1"].save()
    data = "N° facture;Code client;Date facture;Montant TTC\nF-9;REMI-1;01/03/2026;100\n"
    assert run("invoices", write_file("f.csv", data)).ok
    assert Invoice.objects.get(number="F-9").due_date == dt.date(2026, 4, 15)


def test_a_zero_invoice_is_settled_on_its_issue_date(portfolios, write_file):
    data = (
        "number;customer_external_id;issue_date;due_date;amount\nF-0;REMI-1;2026-03-01;2026-03-31;0"
    )
    assert run("invoices", write_file("f.csv", data)).ok
    invoice = Invoice.objects.get(number="F-0")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("0.00"), dt.date(2026, 3, 1))


def test_every_import_is_recorded_with_its_counts_and_format(portfolios, french_invoices):
    result = run("invoices", french_invoices)
    record = ImportRun.objects.get(pk=result.run_id)
    assert record.kind == "invoices"
    assert record.status == ImportStatus.SUCCEEDED
    assert record.file_name == "factures.csv"
    assert record.created_by is None
    assert (record.rows_created, record.progress_done, record.progress_total) == (3, 3, 3)
    assert record.file_format["encoding"] == "Windows-1252"
    assert record.entity.code == "TRL"
    assert record.started_at
    assert record.finished_at


def test_the_disputed_column_is_checked_stored_and_pauses_dunning(portfolios, write_file):
    data = (
        "number;customer_external_id;issue_date;due_date;amount;disputed\n"
        "F-1;REMI-1;2026-03-01;2026-03-31;10;oui\n"
        "F-2;REMI-1;2026-03-01;2026-03-31;10;peut-être\n"
    )
    result = run("invoices", write_file("f.csv", data))
    assert [str(p) for p in result.problems] == [
        "row 3, column disputed: value 'peut-être': "
        "not yes or no (yes/no, true/false, 1/0, oui/non)"
    ]
    result = run("invoices", write_file("g.csv", data.replace("peut-être", "non")))
    assert result.ok
    flags = dict(
        Invoice.objects.filter(number__in=["F-1", "F-2"]).values_list("number", "disputed")
    )
    assert flags == {"F-1": True, "F-2": False}
    # A file without the column leaves the flag as it is.
    run(
        "invoices",
        write_file(
            "h.csv",
            "\n".join(
                ";".join(line.split(";")[:5])
                for line in data.replace("peut-être", "non").splitlines()
            )
            + "\n",
        ),
    )
    assert Invoice.objects.get(number="F-1").disputed


def test_a_zero_invoice_given_an_amount_is_open_again(portfolios, write_file):
    header = "number;customer_external_id;issue_date;due_date;amount\n"
    run("invoices", write_file("a.csv", header + "F-0;REMI-1;2026-03-01;2026-03-31;0\n"))
    assert (
        run(
            "invoices", write_file("b.csv", header + "F-0;REMI-1;2026-03-01;2026-03-31;75\n")
        ).updated
        == 1
    )
    invoice = Invoice.objects.get(number="F-0")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("75.00"), None)
