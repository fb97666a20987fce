"""An invoice due in instalments is several customer lines of one entry, each with its own
amount (and its own EcheanceDate when the FEC has that column): each line is a part of the
invoice, numbered /1, /2... in line order, the same on every import; lettering settles a
part on its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.fec.service import import_fec
from encaisse.imports.tests.fec_samples import HEADER, tryton_fec, tryton_move
from encaisse.ledger.models import Allocation, Invoice

# Sage with the optional EcheanceDate column: FA2026-010, 1 200 in two instalments, the first
# paid by a transfer lettered with it.
INSTALMENTS = [
    ("VT", "Journal des ventes", "VT000010", "20260115", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "FA2026-010", "20260115", "Facture FA2026-010 1/2", "700,00",
     "0,00", "AC", "20260216", "20260215"),
    ("VT", "Journal des ventes", "VT000010", "20260115", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "FA2026-010", "20260115", "Facture FA2026-010 2/2", "500,00",
     "0,00", "", "", "20260315"),
    ("VT", "Journal des ventes", "VT000010", "20260115", "706000", "Prestations de services",
     "", "", "FA2026-010", "20260115", "Facture FA2026-010", "0,00", "1000,00", "", "", ""),
    ("VT", "Journal des ventes", "VT000010", "20260115", "445710", "TVA collectée", "", "",
     "FA2026-010", "20260115", "Facture FA2026-010", "0,00", "200,00", "", "", ""),
    ("BQ1", "Banque BNP", "BQ000011", "20260214", "512000", "BNP Paribas", "", "",
     "VIR 0214", "20260214", "Vir Boulangerie Lefèvre", "700,00", "0,00", "", "", ""),
    ("BQ1", "Banque BNP", "BQ000011", "20260214", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "VIR 0214", "20260214", "Vir Boulangerie Lefèvre", "0,00",
     "700,00", "AC", "20260216", ""),
]  # fmt: skip


def with_due_dates() -> bytes:
    rows = ["\t".join([*HEADER, "EcheanceDate"])]
    for *cells, due in INSTALMENTS:
        rows.append("\t".join([*cells, "20260228", "", "", due]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def parts() -> list[tuple[str, Decimal, dt.date, Decimal]]:
    return list(
        Invoice.objects.order_by("number").values_list(
            "number", "amount", "due_date", "open_amount"
        )
    )


def test_each_instalment_is_a_part_with_its_own_amount_and_due_date(entity, write_file):
    result = import_fec(path=write_file("fec.txt", with_due_dates()))
    assert result.ok, [str(p) for p in result.problems]
    assert parts() == [
        ("FA2026-010/1", Decimal("700.00"), dt.date(2026, 2, 15), Decimal("0.00")),
        ("FA2026-010/2", Decimal("500.00"), dt.date(2026, 3, 15), Decimal("500.00")),
    ]
    assert list(Allocation.objects.values_list("invoice__number", "amount")) == [
        ("FA2026-010/1", Decimal("700.00"))
    ]
    assert (
        "1 invoice in several customer lines of one entry (instalments) imported as 2 parts, "
        "each with its own amount, numbered /1, /2... in line order (such as FA2026-010/1)"
        in result.notes
    )
    assert not [note for note in result.notes if "no due dates" in note]


def test_importing_the_instalments_again_changes_nothing(entity, write_file):
    path = write_file("fec.txt", with_due_dates())
    import_fec(path=path)
    before = (parts(), list(Allocation.objects.values_list("invoice__number", "amount")))
    again = import_fec(path=path)
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert (parts(), list(Allocation.objects.values_list("invoice__number", "amount"))) == before


def test_a_changed_echeancedate_moves_the_due_date_of_its_part(entity, write_file):
    import_fec(path=write_file("fec.txt", with_due_dates()))
    moved = with_due_dates().replace(b"\t20260315\r\n", b"\t20260331\r\n")
    result = import_fec(path=write_file("fec-2.txt", moved))
    assert (result.created, result.updated) == (0, 1)
    assert Invoice.objects.get(number="FA2026-010/2").due_date == dt.date(2026, 3, 31)


def test_tryton_instalments_without_piece_numbers_are_parts_of_their_entry(
    entity, write_file, package_sample
):
    # Tryton's own FEC of 2018 (trytond_account_fr's tests/FEC.csv), then a move of ours.
    text = tryton_fec(package_sample) + tryton_move(
        "3",
        ("7011", "", "0,00", "60,00"),
        ("4111", "2", "21,00", "0,00"),
        ("4111", "2", "39,00", "0,00"),
    )
    result = import_fec(path=write_file("FEC.csv", text))
    assert result.ok, [str(p) for p in result.problems]
    assert [(number, amount) for number, amount, _due, _open in parts()][-2:] == [
        ("REV-2018-3/1", Decimal("21.00")),
        ("REV-2018-3/2", Decimal("39.00")),
    ]
    assert len([note for note in result.notes if "instalments" in note]) == 1
