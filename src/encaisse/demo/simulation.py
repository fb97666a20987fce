"""How the demo company's customers buy and pay: plain Python, no database.

Each customer gets a plan (segment, payment terms, monthly volume, a payment habit); the
simulation invoices them at month end over the last 16 months, issues a few credit notes,
and decides, invoice by invoice, when (and how much) each one paid. Anything that would be
paid after ``today`` stays open. Amounts are integers in cents; everything is drawn from
the ``random.Random`` it is given, in a fixed order, so that one seed gives one company.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from encaisse.demo import cast
from encaisse.ledger.models import InvoiceKind, Segment

HISTORY_MONTHS = 16  # month-end invoicing from 16 months before today's month
MIN_INVOICE_CENTS = 300_00
MAX_INVOICE_CENTS = 40_000_00

SEGMENT_SHARES = {
    Segment.KEY_ACCOUNT: 0.05,
    Segment.SME: 0.45,
    Segment.SMALL: 0.42,
    Segment.PUBLIC: 0.08,
}
# Payment terms in days from the invoice date; public bodies pay at 30 days by law.
TERMS = {
    Segment.KEY_ACCOUNT: (30, 45, 60, 60),
    Segment.SME: (30, 30, 45, 60),
    Segment.SMALL: (30, 30, 30, 45),
    Segment.PUBLIC: (30,),
}
# Less or more transport in some months (summer holidays, the end-of-year peak).
SEASON = {1: 0.95, 2: 0.97, 3: 1.05, 4: 1.0, 5: 0.96, 6: 1.04, 7: 0.9, 8: 0.72, 9: 1.06}
SEASON |= {10: 1.08, 11: 1.1, 12: 1.06}


class Habit:
    """How a customer pays: the payment-behaviour profiles of the demo."""

    PROMPT = "prompt"  # on time, some early, some by direct debit on the due date
    USUAL = "usual"  # a few days to a few weeks after the due date
    SLOW = "slow"  # three to eight weeks late
    CHRONIC = "chronic"  # two to five months late
    PARTIAL = "partial"  # pays part of an invoice, the rest weeks later
    STRUGGLING = "struggling"  # stopped paying some months ago; instalments on account since


# Shares among companies; public bodies have their own habits and never struggle.
HABIT_SHARES = {
    Habit.PROMPT: 0.20,
    Habit.USUAL: 0.48,
    Habit.SLOW: 0.15,
    Habit.CHRONIC: 0.08,
    Habit.PARTIAL: 0.05,
    Habit.STRUGGLING: 0.04,
}
PUBLIC_HABITS = {Habit.PROMPT: 0.10, Habit.USUAL: 0.55, Habit.SLOW: 0.30, Habit.CHRONIC: 0.05}
CREDIT_NOTE_RATE = 0.03  # of invoices
STUCK_DISPUTE_RATE = 0.008  # invoices disputed and never paid
PAYMENT_ON_ACCOUNT_SHARE = 0.04  # of customers
OVER_LIMIT_SHARE = 0.015  # customers whose limit was never raised as their business grew
NEW_CUSTOMER_SHARE = 0.12
LOST_CUSTOMER_SHARE = 0.05


@dataclass(eq=False, slots=True)
class Document:
    """An invoice or a credit note before it is a row; amounts in cents."""

    customer: int
    kind: str
    issue: dt.date
    due: dt.date
    cents: int
    open_cents: int
    number: str = ""
    pk: int | None = None


@dataclass(slots=True)
class CustomerPlan:
    """One customer as the simulation sees it."""

    index: int
    segment: Segment
    agency: cast.AgencySite
    terms: int
    monthly_cents: int  # what a month of transport costs them, on average
    per_month: tuple[int, ...]  # how many invoices a month, drawn from these
    invoice_chance: float  # the chance of being invoiced in a given month
    invoice_day: int | None  # invoiced on this day of the month, or at month end
    habit: str
    mean_delay: int  # their usual days after the due date
    first_month: dt.date
    last_day: dt.date  # no invoice after (a lost customer, a struggling one blocked)
    stopped_paying: dt.date | None
    pay_day: int | None  # the day of the month their payment run goes out, if they have one
    method: str  # VIR, CHQ, LCR, PRLV
    pays_on_account: bool = False
    far_over_limit: bool = False
    documents: list[Document] = field(default_factory=list)

    @property
    def exposure_cents(self) -> int:
        return sum(document.open_cents for document in self.documents)


@dataclass
class Settlement:
    """Who paid what and when."""

    # (customer index, day) -> the invoices one payment settles, with the cents of each
    payments: dict[tuple[int, dt.date], list[tuple[Document, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (invoice, credit note, cents), lettered on the credit note's date
    lettering: list[tuple[Document, Document, int]] = field(default_factory=list)
    # (customer index, day, cents) received and not lettered
    on_account: list[tuple[int, dt.date, int]] = field(default_factory=list)


def quota(total: int, shares: dict[str, float], at_least_one: Sequence[str] = ()) -> list[str]:
    """``total`` labels split by shares (largest remainder), each of ``at_least_one`` present."""
    exact = {label: total * share for label, share in shares.items()}
    counts = {label: math.floor(value) for label, value in exact.items()}
    for label in at_least_one:
        counts[label] = max(counts[label], 1)
    by_remainder = sorted(exact, key=lambda label: exact[label] - counts[label], reverse=True)
    while sum(counts.values()) < total:
        counts[by_remainder.pop(0)] += 1
    while sum(counts.values()) > total:  # the minimums pushed it over: take from the largest
        counts[max(counts, key=lambda label: counts[label])] -= 1
    return [label for label, count in counts.items() for _ in range(count)]


def add_months(first_of_month: dt.date, months: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def working_day_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def working_day_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def next_pay_run(day: dt.date, pay_day: int) -> dt.date:
    """The customer's next monthly payment run on or after ``day``."""
    month = day.replace(day=1)
    while True:
        run = month.replace(day=min(pay_day, calendar.monthrange(month.year, month.month)[1]))
        if run >= day:
            return working_day_on_or_after(run)
        month = add_months(month, 1)


def round_cents(cents: float, euros: int, *, up: bool) -> int:
    """``cents`` rounded up or down to a multiple of ``euros``."""
    step = euros * 100
    return (math.ceil(cents / step) if up else math.floor(cents / step)) * step


class Simulation:
    """Plans the customers, invoices them and settles their invoices, as of ``today``."""

    def __init__(self, *, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.history_start = add_months(today.replace(day=1), -HISTORY_MONTHS)

    # -- who the customers are --

    def plan_customers(self, count: int) -> list[CustomerPlan]:
        """``count`` customers; each segment and each rare habit appears at least once."""
        rng = self.rng
        segments = quota(count, dict(SEGMENT_SHARES), at_least_one=list(SEGMENT_SHARES))
        rng.shuffle(segments)
        companies = sum(segment != Segment.PUBLIC for segment in segments)
        rare = (Habit.SLOW, Habit.CHRONIC, Habit.PARTIAL, Habit.STRUGGLING)
        habits = quota(companies, HABIT_SHARES, at_least_one=rare)
        rng.shuffle(habits)
        plans = []
        for index, segment in enumerate(segments):
            if segment == Segment.PUBLIC:
                habit = rng.choices(list(PUBLIC_HABITS), weights=list(PUBLIC_HABITS.values()))[0]
            else:
                habit = habits.pop()
            plans.append(self.plan(index, Segment(segment), habit))
        eligible = [
            plan
            for plan in plans
            if plan.habit in {Habit.USUAL, Habit.SLOW, Habit.CHRONIC}
            and plan.segment != Segment.PUBLIC
        ]
        over_limit = min(len(eligible), max(1, round(count * OVER_LIMIT_SHARE)))
        for plan in rng.sample(eligible, over_limit):
            plan.far_over_limit = True
        for plan in rng.sample(plans, max(1, round(count * PAYMENT_ON_ACCOUNT_SHARE))):
            plan.pays_on_account = True
        return plans

    def plan(self, index: int, segment: Segment, habit: str) -> CustomerPlan:
        rng = self.rng
        agency = rng.choices(cast.AGENCIES, weights=[site.weight for site in cast.AGENCIES])[0]
        # Euros a month (log-uniform but for key accounts), invoices a month, months invoiced.
        if segment == Segment.KEY_ACCOUNT:
            monthly, per_month, chance = rng.uniform(20_000, 80_000), (2, 3, 4, 5), 1.0
        elif segment == Segment.SME:
            monthly, per_month, chance = math.exp(rng.uniform(7.3, 9.5)), (1, 1, 1, 1, 2), 0.95
        elif segment == Segment.SMALL:
            monthly, per_month, chance = math.exp(rng.uniform(5.9, 7.7)), (1,), 0.55
        else:
            monthly, per_month, chance = math.exp(rng.uniform(7.3, 9.4)), (1,), 0.9
        mean_delay = {
            Habit.PROMPT: 0,
            Habit.USUAL: rng.randint(3, 25),
            Habit.SLOW: rng.randint(25, 55),
            Habit.CHRONIC: rng.randint(65, 120),
            Habit.PARTIAL: rng.randint(5, 30),
            Habit.STRUGGLING: rng.randint(20, 50),
        }[habit]
        first_month, last_day, stopped_paying = self.history_start, self.today, None
        draw = rng.random()
        if draw < NEW_CUSTOMER_SHARE:
            first_month = add_months(self.history_start, rng.randint(2, HISTORY_MONTHS - 2))
        elif draw < NEW_CUSTOMER_SHARE + LOST_CUSTOMER_SHARE and habit != Habit.STRUGGLING:
            last_day = self.today - dt.timedelta(days=rng.randint(90, 360))
        if habit == Habit.STRUGGLING:
            stopped_paying = self.today - dt.timedelta(days=rng.randint(150, 270))
            last_day = stopped_paying + dt.timedelta(days=rng.randint(30, 90))  # then blocked
        if segment in {Segment.KEY_ACCOUNT, Segment.PUBLIC}:
            has_pay_run = rng.random() < 0.7
        else:
            has_pay_run = segment == Segment.SME and rng.random() < 0.3
        if segment == Segment.SMALL:
            method = rng.choices(("VIR", "CHQ", "PRLV"), weights=(50, 35, 15))[0]
        elif segment == Segment.SME:
            method = rng.choices(("VIR", "LCR", "CHQ"), weights=(80, 10, 10))[0]
        else:
            method = "VIR"
        return CustomerPlan(
            index=index,
            segment=segment,
            agency=agency,
            terms=rng.choice(TERMS[segment]),
            monthly_cents=round(monthly * 100),
            per_month=per_month,
            invoice_chance=chance,
            invoice_day=rng.randint(5, 25) if rng.random() < 0.35 else None,
            habit=habit,
            mean_delay=mean_delay,
            first_month=first_month,
            last_day=last_day,
            stopped_paying=stopped_paying,
            pay_day=rng.choice((10, 15, 25, 31)) if has_pay_run else None,
            method=method,
        )

    def credit_limit_cents(self, plan: CustomerPlan) -> int | None:
        """A few months of business; far below the exposure for a few customers (the limit
        was never raised, or they stopped paying). Public bodies have none."""
        if plan.segment == Segment.PUBLIC:
            return None
        if plan.segment == Segment.KEY_ACCOUNT:
            limit = round_cents(plan.monthly_cents * 3, 10_000, up=True)
        elif plan.segment == Segment.SME:
            limit = round_cents(plan.monthly_cents * 2.5, 5_000, up=True)
        else:
            limit = round_cents(max(plan.monthly_cents * 3, 3_000_00), 1_000, up=True)
        exposure = plan.exposure_cents
        if (plan.far_over_limit or plan.habit == Habit.STRUGGLING) and exposure > 3_000_00:
            share = exposure * self.rng.uniform(0.3, 0.55)
            limit = max(1_000_00, round_cents(share, 1_000, up=False))
        return limit

    # -- what they bought --

    def invoice(self, plan: CustomerPlan) -> None:
        """Monthly transport invoicing (several invoices a month for the big accounts)."""
        rng = self.rng
        month = plan.first_month
        while month <= self.today:
            if rng.random() < plan.invoice_chance:
                count = rng.choice(plan.per_month)
                last = calendar.monthrange(month.year, month.month)[1]
                for number in range(count):
                    if count == 1 and plan.invoice_day:
                        day = month.replace(day=plan.invoice_day)
                    else:
                        day = month.replace(day=max(1, round((number + 1) * last / count)))
                    issue = working_day_on_or_before(day)
                    if issue.month != month.month:
                        issue = working_day_on_or_after(day)
                    if issue > min(self.today, plan.last_day):
                        continue
                    factor = SEASON[month.month] * rng.lognormvariate(0, 0.3)
                    cents = round(plan.monthly_cents / count * factor)
                    cents = min(max(cents, MIN_INVOICE_CENTS), MAX_INVOICE_CENTS)
                    plan.documents.append(
                        Document(
                            customer=plan.index,
                            kind=InvoiceKind.INVOICE,
                            issue=issue,
                            due=issue + dt.timedelta(days=plan.terms),
                            cents=cents,
                            open_cents=cents,
                        )
                    )
            month = add_months(month, 1)

    # -- how they paid --

    def settle(self, plans: list[CustomerPlan]) -> Settlement:
        """Decide every payment (never after today) and add the credit notes to the plans."""
        settlement = Settlement()
        for plan in plans:
            credit_notes = [self.settle_invoice(plan, i, settlement) for i in plan.documents]
            plan.documents.extend(note for note in credit_notes if note is not None)
            settlement.on_account.extend(self.payments_on_account(plan))
        return settlement

    def settle_invoice(
        self, plan: CustomerPlan, invoice: Document, settlement: Settlement
    ) -> Document | None:
        """Pay one invoice as the customer would; return the credit note it got, if any."""
        rng = self.rng
        to_pay = invoice.cents
        not_before = invoice.issue + dt.timedelta(days=1)
        credit_note = None
        if rng.random() < CREDIT_NOTE_RATE:
            credit_note = self.credit_note(invoice, settlement)
            if credit_note is not None:
                to_pay += credit_note.cents  # the customer pays net of the credit
                not_before = max(not_before, credit_note.issue)
        if to_pay <= 0 or rng.random() < STUCK_DISPUTE_RATE:
            return credit_note
        target = max(invoice.due + dt.timedelta(days=self.delay(plan)), not_before)
        if plan.stopped_paying and target > plan.stopped_paying:
            return credit_note
        paid_on = next_pay_run(target, plan.pay_day) if plan.pay_day else target
        paid_on = working_day_on_or_after(paid_on)
        if plan.habit == Habit.PARTIAL and paid_on <= self.today and rng.random() < 0.5:
            first = round(to_pay * rng.uniform(0.3, 0.7))
            settlement.payments[plan.index, paid_on].append((invoice, first))
            invoice.open_cents -= first
            to_pay -= first
            paid_on = working_day_on_or_after(paid_on + dt.timedelta(days=rng.randint(20, 120)))
        if paid_on <= self.today:
            settlement.payments[plan.index, paid_on].append((invoice, to_pay))
            invoice.open_cents -= to_pay
        return credit_note

    def delay(self, plan: CustomerPlan) -> int:
        """Days between the due date and the payment of one invoice."""
        rng = self.rng
        if plan.habit == Habit.PROMPT:
            return 0 if plan.method in {"PRLV", "LCR"} else rng.randint(-6, 3)
        spread = 20 if plan.habit == Habit.CHRONIC else 8
        delay = round(rng.gauss(plan.mean_delay, spread))
        low = 40 if plan.habit == Habit.CHRONIC else -3
        return min(max(delay, low), 170)

    def credit_note(self, invoice: Document, settlement: Settlement) -> Document | None:
        """A credit note on ``invoice`` (damaged goods, a price error, a cancelled run),
        lettered to it in full (most), in part, or not yet."""
        rng = self.rng
        issue = invoice.issue + dt.timedelta(days=rng.randint(5, 40))
        if issue > self.today:
            return None
        if rng.random() < 0.15:
            credit = invoice.cents
        else:
            credit = max(50_00, round(invoice.cents * rng.uniform(0.05, 0.3)))
        credit_note = Document(
            customer=invoice.customer,
            kind=InvoiceKind.CREDIT_NOTE,
            issue=issue,
            due=issue,
            cents=-credit,
            open_cents=-credit,
        )
        draw = rng.random()
        lettered = credit if draw < 0.7 else credit // 2 if draw < 0.8 else 0
        if lettered:
            settlement.lettering.append((invoice, credit_note, lettered))
            invoice.open_cents -= lettered
            credit_note.open_cents += lettered
        return credit_note

    def payments_on_account(self, plan: CustomerPlan) -> list[tuple[int, dt.date, int]]:
        """Money received and not lettered: a payment on account, or the instalments of a
        customer who stopped paying its invoices."""
        rng = self.rng
        received = []
        if plan.pays_on_account:
            day = working_day_on_or_before(self.today - dt.timedelta(days=rng.randint(3, 100)))
            share = plan.monthly_cents * rng.uniform(0.2, 0.8)
            received.append((plan.index, day, max(200_00, round_cents(share, 100, up=False))))
        if plan.stopped_paying:
            day = plan.stopped_paying
            for _ in range(rng.randint(1, 3)):
                day = working_day_on_or_after(day + dt.timedelta(days=rng.randint(25, 45)))
                if day <= self.today:
                    received.append((plan.index, day, rng.choice((500, 1000, 1500, 2000)) * 100))
        return received
