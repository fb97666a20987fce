"""A synthetic ledger, generated row by row for the benchmark.

N invoices for N/20 customers of one legal entity, 27 agencies and 20 reps; about 80% of the
invoices fully paid by a payment lettered to them, some partly paid, some open, a few credit
notes (most lettered against an invoice of the same customer) and some payments received on
account and never allocated. Issue dates spread over the last 18 months; no allocation is
dated after ``today``, so the open-amount cache is exact today and not six months ago.

Rows are plain tuples in the order of ``COLUMNS``, with dates as ISO strings and amounts as
decimal strings: PostgreSQL's COPY and SQLite's executemany take them as they are. Generation
streams by batches of customers, so memory stays bounded whatever N. Pure Python, seeded:
the same N and the same day always give the same ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

SEED = 20260301
AGENCIES = 27
REPS = 20
INVOICES_PER_CUSTOMER = 20
HISTORY_DAYS = 548  # issue dates over the last 18 months
CUSTOMERS_PER_BATCH = 1000

# What becomes of a document, drawn once per document (cumulative thresholds). An invoice whose
# payment would fall after today stays open, which brings the paid share down to about 80%.
CREDIT_NOTE_SHARE = 0.04
PAID_UNTIL = CREDIT_NOTE_SHARE + 0.86
PARTLY_PAID_UNTIL = PAID_UNTIL + 0.05  # the rest stays open
CREDIT_NOTE_LETTERED = 0.7
CUSTOMERS_WITH_PAYMENT_ON_ACCOUNT = 0.25

SEGMENTS = (
    ("key_account", 0.05, 25_000_00),
    ("sme", 0.55, 3_000_00),
    ("small", 0.3, 600_00),
    ("public", 0.1, 8_000_00),
)
TERMS_DAYS = (30, 30, 45, 60)
NAME_WORDS = (
    "Transports",
    "Logistique",
    "Boulangerie",
    "Garage",
    "Pharmacie",
    "Imprimerie",
    "Menuiserie",
    "Hôtel",
    "Cabinet",
    "Atelier",
    "Laboratoire",
    "Mairie",
)
CITIES = (
    "Lyon",
    "Marseille",
    "Saint-Étienne",
    "Grenoble",
    "Valence",
    "Clermont-Ferrand",
    "Annecy",
    "Nîmes",
    "Avignon",
    "Dijon",
    "Montpellier",
    "Toulon",
)

# The generated columns of each table, by Django attname; loading adds any other column
# at its model default.
COLUMNS: dict[str, tuple[str, ...]] = {
    "customer": (
        "id",
        "entity_id",
        "external_id",
        "name",
        "segment",
        "payment_terms_days",
        "credit_limit",
        "sales_rep_id",
        "agency_id",
        "city",
        "country",
        "created_at",
        "updated_at",
    ),
    "invoice": (
        "id",
        "entity_id",
        "customer_id",
        "kind",
        "number",
        "issue_date",
        "due_date",
        "amount",
        "currency",
        "open_amount",
        "settled_on",
    ),
    "payment": (
        "id",
        "entity_id",
        "customer_id",
        "reference",
        "date",
        "amount",
        "currency",
        "unallocated_amount",
        "settled_on",
    ),
    "allocation": ("id", "invoice_id", "payment_id", "credit_note_id", "amount", "date"),
}
Row = tuple[Any, ...]


def money(cents: int) -> str:
    """'-1234.05' for -123405: an exact decimal string, no float on the way."""
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{part:02d}"


@dataclass(frozen=True)
class Cast:
    """The rows made before the bulk load: the entity, the agencies and the reps."""

    entity_id: int
    agency_ids: Sequence[int]
    rep_ids: Sequence[int]  # rep_ids[i] works in agency_ids[i % len(agency_ids)]


@dataclass
class Batch:
    """The rows of a batch of customers, table by table."""

    customers: list[Row] = field(default_factory=list)
    invoices: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    allocations: list[Row] = field(default_factory=list)

    def tables(self) -> tuple[tuple[str, list[Row]], ...]:
        return (
            ("customer", self.customers),
            ("invoice", self.invoices),
            ("payment", self.payments),
            ("allocation", self.allocations),
        )


@dataclass
class Expected:
    """What the ledger must show once its balances are refreshed (amounts in cents)."""

    customers: int = 0
    invoices: int = 0
    credit_notes: int = 0
    payments: int = 0
    allocations: int = 0
    settled_invoices: int = 0  # invoices (not credit notes) with nothing left open
    open_cents: int = 0  # what invoices and credit notes leave open
    unallocated_cents: int = 0  # payments received and not lettered

    @property
    def rows(self) -> int:
        return self.customers + self.invoices + self.payments + self.allocations

    @property
    def settled_share(self) -> float:
        items = self.invoices - self.credit_notes
        return self.settled_invoices / items if items else 0.0


class SyntheticLedger:
    """Streams the rows of a ledger of ``invoices`` invoices as of ``today``."""

    def __init__(
        self, *, invoices: int, today: dt.date, cast: Cast, stamp: object, seed: int = SEED
    ) -> None:
        self.invoices = invoices
        self.customers = max(1, invoices // INVOICES_PER_CUSTOMER)
        self.today = today
        self.cast = cast
        self.stamp = stamp  # created_at/updated_at of customers, as the database wants it
        self.expected = Expected()
        # Seeded pseudo-random numbers, not for security: a reproducible ledger.
        self._rng = random.Random(seed)
        self._oldest = today - dt.timedelta(days=HISTORY_DAYS + 10)
        self._iso = [
            (self._oldest + dt.timedelta(days=n)).isoformat()
            for n in range(HISTORY_DAYS + 10 + max(TERMS_DAYS) + 60)
        ]
        self._today_n = (today - self._oldest).days
        self._next = {"customer": 1, "invoice": 1, "payment": 1, "allocation": 1}

    def _id(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def batches(self, customers_per_batch: int = CUSTOMERS_PER_BATCH) -> Iterator[Batch]:
        """The ledger, a batch of customers at a time; ``expected`` is complete at the end."""
        base, extra = divmod(self.invoices, self.customers)
        for first in range(0, self.customers, customers_per_batch):
            batch = Batch()
            for index in range(first, min(first + customers_per_batch, self.customers)):
                self._customer(batch, invoices=base + (1 if index < extra else 0))
            yield batch

    def _customer(self, batch: Batch, *, invoices: int) -> None:
        rng, iso, today_n, expected = self._rng, self._iso, self._today_n, self.expected
        customer_id = self._id("customer")
        entity_id = self.cast.entity_id
        segment, typical_cents = _pick_segment(rng.random())
        terms = rng.choice(TERMS_DAYS)
        rep_index = rng.randrange(len(self.cast.rep_ids))
        agencies = self.cast.agency_ids
        agency_id = (
            agencies[rep_index % len(agencies)] if rng.random() < 0.8 else rng.choice(agencies)
        )
        batch.customers.append(
            (
                customer_id,
                entity_id,
                f"C{customer_id:07d}",
                f"{rng.choice(NAME_WORDS)} {rng.choice(CITIES)} {customer_id:07d}",
                segment,
                terms,
                money(typical_cents * 10) if rng.random() < 0.7 else None,
                self.cast.rep_ids[rep_index],
                agency_id,
                rng.choice(CITIES),
                "FR",
                self.stamp,
                self.stamp,
            )
        )
        expected.customers += 1
        # Invoices of this customer still open: [id, cents left, issue day] for credit notes.
        open_items: list[list[int]] = []
        for _ in range(invoices):
            invoice_id = self._id("invoice")
            issued = today_n - rng.randrange(HISTORY_DAYS)
            fate = rng.random()
            expected.invoices += 1
            if fate < CREDIT_NOTE_SHARE:
                self._credit_note(batch, customer_id, invoice_id, issued, typical_cents, open_items)
                continue
            due = issued + terms
            cents = max(1_00, int(rng.lognormvariate(0, 0.8) * typical_cents))
            batch.invoices.append(
                (
                    invoice_id,
                    entity_id,
                    customer_id,
                    "invoice",
                    f"F{invoice_id:09d}",
                    iso[issued],
                    iso[due],
                    money(cents),
                    "EUR",
                    money(cents),
                    None,
                )
            )
            paid_on = max(issued, due + rng.randint(-20, 45))
            if fate < PARTLY_PAID_UNTIL and paid_on <= today_n:
                paid = cents if fate < PAID_UNTIL else cents * rng.randint(20, 80) // 100
                self._payment(batch, customer_id, paid, paid_on, lettered_to=invoice_id)
                cents -= paid
            if cents:
                open_items.append([invoice_id, cents, issued])
                expected.open_cents += cents
            else:
                expected.settled_invoices += 1
        if rng.random() < CUSTOMERS_WITH_PAYMENT_ON_ACCOUNT:
            cents = rng.randint(50_00, max(50_00, typical_cents))
            self._payment(batch, customer_id, cents, today_n - rng.randrange(90), lettered_to=None)
            expected.unallocated_cents += cents

    def _credit_note(
        self,
        batch: Batch,
        customer_id: int,
        credit_note_id: int,
        issued: int,
        typical_cents: int,
        open_items: list[list[int]],
    ) -> None:
        rng, iso, expected = self._rng, self._iso, self.expected
        cents = max(1_00, int(rng.random() * typical_cents / 2))
        batch.invoices.append(
            (
                credit_note_id,
                self.cast.entity_id,
                customer_id,
                "credit_note",
                f"AV{credit_note_id:09d}",
                iso[issued],
                iso[issued],
                money(-cents),
                "EUR",
                money(-cents),
                None,
            )
        )
        expected.credit_notes += 1
        left = cents
        if open_items and rng.random() < CREDIT_NOTE_LETTERED:
            item = open_items[rng.randrange(len(open_items))]
            lettered = min(left, item[1])
            batch.allocations.append(
                (
                    self._id("allocation"),
                    item[0],
                    None,
                    credit_note_id,
                    money(lettered),
                    iso[max(issued, item[2])],
                )
            )
            expected.allocations += 1
            item[1] -= lettered
            left -= lettered
            expected.open_cents -= lettered
            if item[1] == 0:
                open_items.remove(item)
                expected.settled_invoices += 1
        expected.open_cents -= left

    def _payment(
        self, batch: Batch, customer_id: int, cents: int, day: int, *, lettered_to: int | None
    ) -> None:
        payment_id = self._id("payment")
        date = self._iso[day]
        batch.payments.append(
            (
                payment_id,
                self.cast.entity_id,
                customer_id,
                f"VIR{payment_id:09d}",
                date,
                money(cents),
                "EUR",
                money(cents),
                None,
            )
        )
        self.expected.payments += 1
        if lettered_to is not None:
            batch.allocations.append(
                (self._id("allocation"), lettered_to, payment_id, None, money(cents), date)
            )
            self.expected.allocations += 1


def _pick_segment(draw: float) -> tuple[str, int]:
    for segment, share, typical_cents in SEGMENTS:
        if draw < share:
            return segment, typical_cents
        draw -= share
    return SEGMENTS[-1][0], SEGMENTS[-1][2]
