"""The FEC's lettering (EcritureLet) becomes allocations: lines of a customer with the same
letter settle each other; a partial lettering leaves the rest open; nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.fec.service import import_fec
from encaisse.imports.tests.fec_samples import SAGE_LINES, sage_fec_bytes
from encaisse.ledger.models import Allocation, Invoice, Payment


def allocations() -> set[tuple[str, str, Decimal, dt.date]]:
    return {
        (
            a.invoice.number,
            a.payment.reference if a.payment else a.credit_note.number,
            a.amount,
            a.date,
        )
        for a in Allocation.objects.select_related("invoice", "payment", "credit_note")
    }


def test_lettered_lines_become_allocations_dated_when_the_invoice_was_paid(entity, write_file):
    result = import_fec(path=write_file("fec.txt", sage_fec_bytes()))
    assert allocations() == {
        ("FA2026-001", "BQ1-BQ000001", Decimal("1200.00"), dt.date(2026, 2, 10)),  # AA
        ("FA2026-002", "BQ1-BQ000002-1", Decimal("1000.00"), dt.date(2026, 2, 18)),  # ab, partial
        ("FA2026-003", "AV2026-001", Decimal("120.00"), dt.date(2026, 1, 25)),  # AB: credit
        ("FA2026-003", "BQ1-BQ000002-2", Decimal("480.00"), dt.date(2026, 2, 18)),  # note + cheque
    }
    open_amounts = dict(Invoice.objects.values_list("number", "open_amount"))
    assert open_amounts == {
        "FA2026-001": Decimal("0.00"),
        "FA2026-002": Decimal("1400.00"),  # partial lettering: the rest stays open
        "FA2026-003": Decimal("0.00"),
        "AV2026-001": Decimal("0.00"),
    }
    assert not Payment.objects.exclude(unallocated_amount=0).exists()
    assert (
        "lettering: 3 letters read, 1 of them partial (what they leave stays open); "
        "4 allocations made" in result.notes
    )


def test_a_partial_lettering_completed_in_a_later_fec_adds_only_the_new_allocation(
    entity, write_file
):
    import_fec(path=write_file("january.txt", sage_fec_bytes()))
    later = [
        *SAGE_LINES,
        ("BQ1", "Banque BNP", "BQ000003", "20260305", "512000", "BNP Paribas", "", "",
         "VIR 0305", "20260305", "Vir Garage Müller", "1400,00", "0,00", "", ""),
        ("BQ1", "Banque BNP", "BQ000003", "20260305", "411000", "Clients", "C0002",
         "Garage Müller & Fils", "VIR 0305", "20260305", "Vir Garage Müller", "0,00",
         "1400,00", "ab", "20260306"),
    ]  # fmt: skip
    result = import_fec(path=write_file("march.txt", sage_fec_bytes(later)))
    assert result.ok, result.message
    assert Allocation.objects.count() == 5
    assert ("FA2026-002", "BQ1-BQ000003", Decimal("1400.00"), dt.date(2026, 3, 5)) in allocations()
    invoice = Invoice.objects.get(number="FA2026-002")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("0.00"), dt.date(2026, 3, 5))


def test_lettering_never_allocates_beyond_what_is_open(entity, write_file):
    # The same letter on two payments of 1,200 for one invoice of 1,200: one is allocated,
    # the other stays unallocated (a double payment to refund or to use later).
    lines = [
        *SAGE_LINES[:3],
        ("BQ1", "Banque BNP", "BQ000009", "20260301", "411000", "Clients", "C0001",
         "Boulangerie Lefèvre", "VIR", "20260301", "Vir Lefèvre bis", "0,00", "1200,00", "AA",
         "20260302"),
        ("BQ1", "Banque BNP", "BQ000009", "20260301", "512000", "BNP Paribas", "", "", "VIR",
         "20260301", "Vir Lefèvre bis", "1200,00", "0,00", "", ""),
        *SAGE_LINES[14:16],
    ]  # fmt: skip
    import_fec(path=write_file("fec.txt", sage_fec_bytes(lines)))
    assert Allocation.objects.count() == 1
    assert Invoice.objects.get(number="FA2026-001").open_amount == 0
    assert sorted(Payment.objects.values_list("unallocated_amount", flat=True)) == [
        Decimal("0.00"),
        Decimal("1200.00"),
    ]
