"""Realistic ledger files as French ERPs and Excel write them, for tests, docs and the bench.

Pure and deterministic (no random: the n-th row is always the same), streamed to disk so a
million rows cost no memory.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

FRENCH_INVOICE_HEADER = ["N° facture", "Code client", "Date facture", "Échéance", "Montant TTC"]
FRENCH_CUSTOMER_HEADER = [
    "Code client",
    "Raison sociale",
    "SIREN",
    "Segment",
    "Délai de paiement",
    "Encours autorisé",
    "Ville",
]
_NAMES = ("Transports", "Béton", "Logistique", "Froid", "Maçonnerie", "Électricité", "Élevage")
_PLACES = ("Rhône", "Saône", "Forez", "Vercors", "Bugey", "Dombes", "Beaujolais", "Gier")
_SEGMENTS = ("PME", "Grand compte", "TPE", "Secteur public")
_CITIES = ("Lyon", "Saint-Étienne", "Villeurbanne", "Vénissieux", "Roanne", "Mâcon")
# Valid SIRENs (Luhn), reused in turn.
SIRENS = ("732829320", "552100554", "542107651", "443061841", "404833048", "572015246")


def french_amount(amount: Decimal, *, thousands: str = "\u00a0") -> str:
    """1234.5 -> '1 234,50 €' as French Excel shows it (no-break space between thousands)."""
    sign = "-" if amount < 0 else ""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{thousands.join(groups)},{fraction} €"


def customer_code(index: int) -> str:
    return f"C{index:06d}"


def invoice_rows(count: int, *, customers: int, cents_more: int = 0) -> Iterator[list[str]]:
    """French invoice rows: every 20th is a credit note; dates dd/mm/yyyy over two years.
    ``cents_more`` changes every amount (a new version of the same invoices)."""
    start = dt.date(2025, 1, 1)
    for index in range(count):
        issued = start + dt.timedelta(days=(index * 7) % 700)
        due = issued + dt.timedelta(days=30 + 15 * (index % 3))
        cents = 5_000 + (index * 7_919) % 2_500_000 + cents_more
        amount = Decimal(cents) / 100
        if index % 20 == 19:
            amount = -amount / 10
        yield [
            f"FA{index + 1:08d}",
            customer_code((index * 31) % customers + 1),
            f"{issued:%d/%m/%Y}",
            f"{due:%d/%m/%Y}",
            french_amount(amount),
        ]


def customer_rows(count: int) -> Iterator[list[str]]:
    for index in range(1, count + 1):
        name = f"{_NAMES[index % len(_NAMES)]} du {_PLACES[index % len(_PLACES)]} {index}"
        yield [
            customer_code(index),
            name,
            SIRENS[index % len(SIRENS)],
            _SEGMENTS[index % len(_SEGMENTS)],
            f"{(30, 45, 60)[index % 3]} jours",
            french_amount(Decimal(10_000 + 1_000 * (index % 50))),
            _CITIES[index % len(_CITIES)],
        ]


def write_french_csv(path: Path, header: list[str], rows: Iterator[list[str]]) -> Path:
    """A CSV as French Excel saves it: Windows-1252, ';', CRLF."""
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_french_invoices(path: Path, count: int, *, customers: int, cents_more: int = 0) -> Path:
    rows = invoice_rows(count, customers=customers, cents_more=cents_more)
    return write_french_csv(path, FRENCH_INVOICE_HEADER, rows)


def write_french_customers(path: Path, count: int) -> Path:
    return write_french_csv(path, FRENCH_CUSTOMER_HEADER, customer_rows(count))
