"""What the engine reads and what it decides: frozen dataclasses, standard library only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"
    SMS = "sms"
    CALL = "call"
    TASK = "task"

    @property
    def is_human(self) -> bool:
        """A person does it (a call, a task); the scenario waits for its outcome."""
        return self in {Channel.CALL, Channel.TASK}

    @property
    def is_written(self) -> bool:
        """The outbox sends it from a message template (an e-mail, a letter, an SMS)."""
        return not self.is_human

    @classmethod
    def written(cls) -> tuple[str, ...]:
        return tuple(channel.value for channel in cls if channel.is_written)


class Actor(StrEnum):
    FINANCE = "finance"
    SALES_REP = "sales_rep"
    SALES_MANAGER = "sales_manager"
    AGENCY_MANAGER = "agency_manager"


@dataclass(frozen=True)
class StepRule:
    """One step of a scenario. ``offset_days`` counts from the due date (negative: before)."""

    key: str
    offset_days: int
    channel: Channel
    actor: Actor = Actor.FINANCE
    requires_approval: bool = False
    min_amount: Decimal = Decimal("0")


@dataclass(frozen=True)
class Instalment:
    """One instalment of a plan agreed with the customer: what falls due on which date."""

    due_date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class OpenItem:
    """An invoice or credit note still open, and where it stands in the scenario."""

    invoice_id: int
    number: str
    due_date: dt.date
    open_amount: Decimal
    done_steps: frozenset[str] = frozenset()
    awaiting_outcome: bool = False  # its last step was a call/task whose outcome is not in
    disputed: bool = False
    on_hold: bool = False
    promised_until: dt.date | None = None  # an unexpired promise to pay pauses the item
    # A confirmed instalment plan: the item is dunned instalment by instalment (dunned_part).
    instalments: tuple[Instalment, ...] = ()


@dataclass(frozen=True)
class CustomerSnapshot:
    customer_id: int
    items: tuple[OpenItem, ...]
    steps: tuple[StepRule, ...]
    do_not_contact: bool = False
    on_hold: bool = False


@dataclass(frozen=True)
class PlannedItem:
    invoice_id: int
    number: str
    days_past_due: int
    open_amount: Decimal


@dataclass(frozen=True)
class PlannedAction:
    """One action due for one customer: a step over the invoices that reached it."""

    customer_id: int
    step: StepRule
    items: tuple[PlannedItem, ...] = field(default_factory=tuple)

    @property
    def amount(self) -> Decimal:
        return sum((item.open_amount for item in self.items), Decimal("0"))

    @property
    def invoice_ids(self) -> tuple[int, ...]:
        return tuple(item.invoice_id for item in self.items)
