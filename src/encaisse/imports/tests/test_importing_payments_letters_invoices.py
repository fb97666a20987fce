"""Payments by reference; with an invoice number the payment is lettered to that invoice
and its open amount drops, once, however often the file is imported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.conftest import run
from encaisse.ledger.models import Allocation, Invoice, Payment

HEADER = "Référence règlement;Code client;N° facture;Date règlement;Montant\n"


def test_a_payment_with_an_invoice_number_lowers_its_open_amount(portfolios, write_file):
    # portfolios: F-remi-1 is an invoice of 1 000,00 for REMI-1
    result = run(
        "payments",
        write_file("reglements.csv", HEADER + "VIR-1;REMI-1;F-remi-1;10/02/2026;400,00\n"),
    )
    assert result.ok, result.problems
    invoice = Invoice.objects.get(number="F-remi-1")
    assert invoice.open_amount == Decimal("600.00")
    payment = Payment.objects.get(reference="VIR-1")
    assert (payment.amount, payment.unallocated_amount, payment.settled_on) == (
        Decimal("400.00"),
        Decimal("0.00"),
        dt.date(2026, 2, 10),
    )
    assert Allocation.objects.get().amount == Decimal("400.00")


def test_the_same_payment_file_twice_letters_once(portfolios, write_file):
    path = write_file("reglements.csv", HEADER + "VIR-1;REMI-1;F-remi-1;10/02/2026;400,00\n")
    run("payments", path)
    again = run("payments", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Allocation.objects.count() == 1
    assert Invoice.objects.get(number="F-remi-1").open_amount == Decimal("600.00")


def test_payments_beyond_the_open_amount_settle_it_and_keep_the_rest_unallocated(
    portfolios, write_file
):
    data = HEADER + "VIR-1;REMI-1;F-remi-1;10/02/2026;700\nVIR-2;REMI-1;F-remi-1;11/02/2026;700\n"
    assert run("payments", write_file("r.csv", data)).ok
    invoice = Invoice.objects.get(number="F-remi-1")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("0.00"), dt.date(2026, 2, 11))
    assert Payment.objects.get(reference="VIR-2").unallocated_amount == Decimal("400.00")


def test_a_payment_without_invoice_stays_unallocated(portfolios, write_file):
    data = "reference;customer_external_id;date;amount\nCHQ-1;REMI-2;2026-02-10;50\n"
    assert run("payments", write_file("r.csv", data)).created == 1
    assert Payment.objects.get(reference="CHQ-1").unallocated_amount == Decimal("50.00")


def test_a_payment_for_another_customers_invoice_or_of_zero_is_rejected(portfolios, write_file):
    data = HEADER + "VIR-1;REMI-2;F-remi-1;10/02/2026;400\nVIR-2;REMI-1;F-inconnue;10/02/2026;0\n"
    result = run("payments", write_file("r.csv", data))
    assert result.status == ImportStatus.FAILED
    assert [(p.row, p.reason) for p in result.problems] == [
        (2, "the invoice belongs to another customer"),
        (3, "unknown invoice"),
        (3, "a payment of zero (a refund is negative, a payment positive)"),
    ]
    assert not Payment.objects.filter(reference__startswith="VIR").exists()


def test_payments_from_a_utf8_bom_file_with_tabs(portfolios, write_file):
    data = (
        "\ufeffreference\tcustomer_external_id\tinvoice_number\tdate\tamount\r\n"
        "SEPA-1\tREMI-2\tF-remi-2\t2026-02-15\t1 000,00 €\r\n"
    )
    result = run("payments", write_file("releve.tsv", data))
    assert result.ok, result.problems
    assert result.file_format["encoding"] == "UTF-8 with BOM"
    assert result.file_format["separator"] == "tab"
    invoice = Invoice.objects.get(number="F-remi-2")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("0.00"), dt.date(2026, 2, 15))


def test_a_changed_payment_amount_keeps_its_lettering(portfolios, write_file):
    run("payments", write_file("a.csv", HEADER + "VIR-1;REMI-1;F-remi-1;10/02/2026;400\n"))
    run("payments", write_file("b.csv", HEADER + "VIR-1;REMI-1;F-remi-1;10/02/2026;450\n"))
    payment = Payment.objects.get(reference="VIR-1")
    assert (payment.amount, payment.unallocated_amount, payment.settled_on) == (
        Decimal("450.00"),
        Decimal("50.00"),
        None,
    )
    assert Invoice.objects.get(number="F-remi-1").open_amount == Decimal("600.00")
    result = run("payments", write_file("c.csv", HEADER + "VIR-1;REMI-1;F-remi-1;10/02/2026;300\n"))
    assert [p.reason for p in result.problems] == ["below the 400.00 already lettered"]
    plain = "reference;customer_external_id;date;amount\n"
    run("payments", write_file("d.csv", plain + "CHQ-9;REMI-2;2026-02-10;50\n"))
    run("payments", write_file("e.csv", plain + "CHQ-9;REMI-2;2026-02-10;55\n"))
    assert Payment.objects.get(reference="CHQ-9").unallocated_amount == Decimal("55.00")
