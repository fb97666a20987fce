"""A FEC whose PieceRef numbers nothing is numbered by its entries: Tryton writes '-' for
every move without an origin document, some exports leave it empty, and a PieceRef another
entry already used (an invoice and its correction) names another document. Those documents
take ``JournalCode-EcritureNum``, the report says so once, and the same file gives the same
numbers on every import.

Tryton's file is its own expected output, read from the trytond_account_fr sdist (fixture
``package_sample``): the test is skipped when it cannot be downloaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.imports.fec.service import import_fec
from encaisse.imports.tests.fec_samples import SAGE_LINES, TRYTON, sage_fec_bytes, tryton_fec
from encaisse.ledger.models import Allocation, Customer, Invoice, Payment

TRYTON_NOTE = (
    "3 invoices and credit notes numbered by their entry, JournalCode-EcritureNum (such as "
    "OUV-2018-0): their PieceRef names no document (such as '-')"
)


@pytest.fixture
def tryton(package_sample) -> str:
    """Tryton's FEC of 2018, as its wizard writes it (tests/FEC.csv of trytond_account_fr)."""
    return tryton_fec(package_sample)


def ledger() -> tuple[list[tuple[str, Decimal, Decimal]], list[tuple[str, Decimal]], list]:
    """Invoices (number, amount, open), payments (reference, amount) and allocations."""
    return (
        list(Invoice.objects.order_by("number").values_list("number", "amount", "open_amount")),
        list(Payment.objects.order_by("reference").values_list("reference", "amount")),
        list(Allocation.objects.values_list("invoice__number", "payment__reference", "amount")),
    )


def test_a_tryton_fec_where_every_pieceref_is_a_dash_is_numbered_by_journal_and_entry(
    entity, write_file, tryton
):
    assert {row.split("\t")[8] for row in tryton.splitlines()[1:]} == {"-"}  # PieceRef
    result = import_fec(path=write_file("820043784FEC20181231.csv", tryton))
    assert result.ok, (result.message, [str(p) for p in result.problems])
    assert list(Customer.objects.values_list("external_id", "name")) == [("2", "Party")]
    assert ledger() == (
        [
            ("OUV-2018-0", Decimal("5.00"), Decimal("5.00")),  # the balance brought forward
            ("REV-2018-1", Decimal("10.00"), Decimal("10.00")),
            ("REV-2018-2", Decimal("42.00"), Decimal("0.00")),
        ],
        [("CASH-3", Decimal("42.00"))],
        [("REV-2018-2", "CASH-3", Decimal("42.00"))],  # Tryton's reconciliation "1"
    )
    assert Invoice.objects.get(number="REV-2018-2").settled_on == dt.date(2018, 1, 1)


def test_the_report_says_it_once_not_once_per_line(entity, write_file, tryton):
    result = import_fec(path=write_file("FEC.csv", tryton))
    assert [note for note in result.notes if "numbered by their entry" in note] == [TRYTON_NOTE]
    assert result.problems == []


def test_importing_the_tryton_fec_again_changes_nothing(entity, write_file, tryton):
    path = write_file("FEC.csv", tryton)
    import_fec(path=path)
    before = ledger()
    again = import_fec(path=path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 0)
    assert ledger() == before


def test_an_empty_pieceref_is_numbered_by_its_entry_too(entity, write_file, tryton):
    text = tryton.replace("\t2\tParty\t-\t", "\t2\tParty\t\t")
    result = import_fec(path=write_file("FEC.csv", text))
    assert result.ok, result.message
    assert [number for number, _a, _o in ledger()[0]] == ["OUV-2018-0", "REV-2018-1", "REV-2018-2"]
    assert (
        "3 invoices and credit notes numbered by their entry, JournalCode-EcritureNum (such as "
        "OUV-2018-0): their PieceRef is empty" in result.notes
    )


# Sage: the credit note VT000004 carries the number of the invoice it corrects, FA2026-003.
CORRECTION = [
    (*line[:8], "FA2026-003", *line[9:]) if line[2] == "VT000004" else line for line in SAGE_LINES
]


@pytest.mark.parametrize("chunk_rows", [5000, 3])  # 3: the two entries in different chunks
def test_a_pieceref_another_entry_used_first_numbers_the_later_document_by_its_entry(
    entity, write_file, monkeypatch, chunk_rows
):
    monkeypatch.setattr("encaisse.imports.fec.service.CHUNK_ROWS", chunk_rows)
    path = write_file("fec.txt", sage_fec_bytes(CORRECTION))
    result = import_fec(path=path)
    assert result.ok, [str(p) for p in result.problems]
    invoices = {number: amount for number, amount, _open in ledger()[0]}
    assert invoices == {
        "FA2026-001": Decimal("1200.00"),
        "FA2026-002": Decimal("2400.00"),
        "FA2026-003": Decimal("600.00"),
        "VT000004": Decimal("-120.00"),  # the correction, numbered by its entry
    }
    # Lettered AB with FA2026-003 and the cheque, as under its own number.
    assert set(
        Allocation.objects.filter(invoice__number="FA2026-003").values_list(
            "credit_note__number", "payment__reference", "amount"
        )
    ) == {(None, "BQ1-BQ000002-2", Decimal("480.00")), ("VT000004", None, Decimal("120.00"))}
    assert (
        "1 invoice or credit note numbered by their entry, JournalCode-EcritureNum (such as "
        "VT000004): their PieceRef numbers a document of another entry" in result.notes
    )
    before = ledger()
    again = import_fec(path=path)
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert ledger() == before


def test_two_years_of_tryton_entry_numbers_do_not_overwrite_each_other(
    entity, write_file, package_sample
):
    """Tryton numbers its entries again from 1 every fiscal year: the 2017 file's REV-1 and
    the 2018 file's REV-1 are two invoices, neither replaces the other."""
    previous = package_sample(*TRYTON, "tests/FEC-previous.csv").decode("utf-8")
    first = import_fec(path=write_file("820043784FEC20171231.csv", previous))
    assert first.ok, [str(p) for p in first.problems]
    before = dict(Invoice.objects.values_list("number", "amount"))
    second = import_fec(path=write_file("820043784FEC20181231.csv", tryton_fec(package_sample)))
    assert second.ok, [str(p) for p in second.problems]
    after = dict(Invoice.objects.values_list("number", "amount"))
    assert all(after[number] == amount for number, amount in before.items())  # none changed
    assert {"REV-2018-1", "REV-2018-2"} <= set(after)
