"""Opening balances (à-nouveaux) repeat the year before: importing two consecutive FECs does
not count the brought-forward debt twice, while a company that starts with this year's FEC
alone still sees it.

Tryton's two files are its own expected output (trytond_account_fr's tests/FEC-previous.csv
for 2017, tests/FEC.csv for 2018 with its OUV "Balance Initiale" entry), read from its sdist.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from encaisse.imports.fec.service import import_fec
from encaisse.imports.tests.fec_samples import HEADER, TRYTON, tryton_fec
from encaisse.ledger.models import Customer, Invoice


def outstanding() -> Decimal:
    return Invoice.objects.aggregate(total=Sum("open_amount"))["total"] or Decimal(0)


def test_the_year_before_then_this_year_counts_the_debt_once(entity, write_file, package_sample):
    previous = package_sample(*TRYTON, "tests/FEC-previous.csv").decode("utf-8")
    assert import_fec(path=write_file("820043784FEC20171231.csv", previous)).ok
    assert outstanding() == Decimal("5.00")  # REV 1 of 2017

    result = import_fec(path=write_file("820043784FEC20181231.csv", tryton_fec(package_sample)))

    assert result.ok, [str(p) for p in result.problems]
    # 2017's 5.00 is brought forward by the OUV entry: not a second debt.
    assert not Invoice.objects.filter(number="OUV-2018-0").exists()
    assert outstanding() == Decimal("15.00")  # 5.00 of 2017 + REV 1 of 2018 (REV 2 is paid)
    assert any("opening balance" in note and "left out" in note for note in result.notes)


def test_this_year_alone_brings_the_debt_forward(entity, write_file, package_sample):
    result = import_fec(path=write_file("FEC.csv", tryton_fec(package_sample)))
    assert result.ok
    assert Invoice.objects.get(number="OUV-2018-0").amount == Decimal("5.00")
    assert outstanding() == Decimal("15.00")
    assert any("opening balance" in note and "brought forward" in note for note in result.notes)


def test_importing_this_year_again_keeps_its_opening_balance(entity, write_file, package_sample):
    path = write_file("FEC.csv", tryton_fec(package_sample))
    import_fec(path=path)
    again = import_fec(path=path)
    assert again.ok
    assert (again.created, again.updated) == (0, 0)
    assert outstanding() == Decimal("15.00")


def fec(*lines: tuple[str, ...]) -> str:
    return "\n".join(["\t".join(HEADER), *("\t".join(line) for line in lines)]) + "\n"


# Detailed à-nouveaux, as Sage or Cegid write them: one line per open invoice, its number.
YEAR_1 = fec(
    ("VT", "Ventes", "VT1", "20251110", "411000", "Clients", "C1", "Alpha", "FA-101",
     "20251110", "Facture FA-101", "1000,00", "0,00", "A", "20251215", "20251110", "", ""),
    ("VT", "Ventes", "VT1", "20251110", "706000", "Ventes", "", "", "FA-101",
     "20251110", "Facture FA-101", "0,00", "1000,00", "", "", "20251110", "", ""),
    ("BQ", "Banque", "BQ1", "20251215", "512000", "Banque", "", "", "VIR",
     "20251215", "Vir Alpha", "400,00", "0,00", "", "", "20251215", "", ""),
    ("BQ", "Banque", "BQ1", "20251215", "411000", "Clients", "C1", "Alpha", "VIR",
     "20251215", "Vir Alpha", "0,00", "400,00", "A", "20251215", "20251215", "", ""),
)  # fmt: skip
YEAR_2 = fec(
    ("AN", "A nouveaux", "AN1", "20260101", "411000", "Clients", "C1", "Alpha", "FA-101",
     "20251110", "A nouveau FA-101", "600,00", "0,00", "", "", "20260101", "", ""),
    ("AN", "A nouveaux", "AN1", "20260101", "890000", "Bilan d'ouverture", "", "", "FA-101",
     "20251110", "A nouveau FA-101", "0,00", "600,00", "", "", "20260101", "", ""),
    ("VT", "Ventes", "VT7", "20260110", "411000", "Clients", "C1", "Alpha", "FA-201",
     "20260110", "Facture FA-201", "300,00", "0,00", "", "", "20260110", "", ""),
    ("VT", "Ventes", "VT7", "20260110", "706000", "Ventes", "", "", "FA-201",
     "20260110", "Facture FA-201", "0,00", "300,00", "", "", "20260110", "", ""),
)  # fmt: skip


def test_a_detailed_opening_line_is_the_invoice_it_names(entity, write_file):
    assert import_fec(path=write_file("FEC2025.txt", YEAR_1)).ok
    invoice = Invoice.objects.get(number="FA-101")
    invoice.refresh_from_db()

    result = import_fec(path=write_file("FEC2026.txt", YEAR_2))

    assert result.ok, [str(p) for p in result.problems]
    again = Invoice.objects.get(number="FA-101")
    # Left as it is: its amount, issue date and what its payment settled.
    assert (again.amount, again.issue_date, again.open_amount) == (
        invoice.amount,
        invoice.issue_date,
        invoice.open_amount,
    )
    assert outstanding() == Decimal("900.00")  # 600 brought forward + FA-201


def test_a_detailed_opening_line_alone_is_imported_as_its_invoice(entity, write_file):
    result = import_fec(path=write_file("FEC2026.txt", YEAR_2))
    assert result.ok, [str(p) for p in result.problems]
    assert Invoice.objects.get(number="FA-101").amount == Decimal("600.00")
    assert Customer.objects.count() == 1
    assert outstanding() == Decimal("900.00")
