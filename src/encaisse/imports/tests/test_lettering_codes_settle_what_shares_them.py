"""An ERP's lettering as it exports it: the invoices, credit notes, payments and refunds of a
customer that share a lettering code settle each other (a credit note applied to an invoice
needs no fake payment). Importing the files again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.tests.conftest import run
from encaisse.ledger.models import Allocation, Invoice, Payment

INVOICES = (
    "number;customer_external_id;issue_date;due_date;amount;lettering_code\n"
    "FA-1;REMI-1;2026-01-05;2026-02-04;1000,00;A\n"
    "AV-1;REMI-1;2026-01-20;2026-01-20;-200,00;A\n"
    "AV-2;REMI-1;2026-01-25;2026-01-25;-50,00;B\n"
    "FA-2;REMI-1;2026-01-06;2026-02-05;300,00;\n"
)
PAYMENTS = (
    "reference;customer_external_id;date;amount;lettering_code\n"
    "VIR-1;REMI-1;2026-02-10;800,00;A\n"
    "REMB-1;REMI-1;2026-02-12;-50,00;B\n"
)


def test_documents_sharing_a_code_settle_each_other(portfolios, write_file):
    invoices = run("invoices", write_file("factures.csv", INVOICES))
    assert invoices.ok, invoices.problems
    assert Invoice.objects.get(number="FA-1").open_amount == Decimal("800.00")  # AV-1 applied
    payments = run("payments", write_file("reglements.csv", PAYMENTS))
    assert payments.ok, payments.problems
    opened = dict(Invoice.objects.values_list("number", "open_amount"))
    assert opened["FA-1"] == opened["AV-1"] == opened["AV-2"] == Decimal("0.00")
    assert opened["FA-2"] == Decimal("300.00")  # no code: untouched
    assert Invoice.objects.get(number="FA-1").settled_on == dt.date(2026, 2, 10)
    assert set(Payment.objects.values_list("reference", "unallocated_amount")) == {
        ("VIR-1", Decimal("0.00")),
        ("REMB-1", Decimal("0.00")),
    }
    assert sorted(Allocation.objects.values_list("amount", flat=True)) == [
        Decimal("-50.00"),
        Decimal("200.00"),
        Decimal("800.00"),
    ]
    assert any("lettering codes" in note for note in payments.notes)
    run("invoices", write_file("factures.csv", INVOICES))
    again = run("payments", write_file("reglements.csv", PAYMENTS))
    assert (again.created, again.updated) == (0, 0)
    assert Allocation.objects.count() == 3


def test_a_code_shared_by_two_customers_letters_each_one_alone(portfolios, write_file):
    data = (
        "number;customer_external_id;issue_date;amount;lettering_code\n"
        "FA-1;REMI-1;2026-01-05;100;Z\n"
        "AV-9;REMI-2;2026-01-06;-100;Z\n"
    )
    assert run("invoices", write_file("f.csv", data)).ok
    assert not Allocation.objects.exists()
