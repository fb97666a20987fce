"""What a message states, computed once when the message is produced, and stored with it.

Every figure a reminder or a formal notice gives (days past due, open amounts, interest,
indemnities, totals, counts) comes from these lines, as of the day the message is produced.
The text sent, the copy on screen and the letter's PDF are all rendered from the same
stored facts, so they cannot disagree, and a sentence is written against the same lines
as the table under it. Plain values only: no model instance ever reaches a template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from encaisse.core.money import ZERO
from encaisse.dunning.penalties import RECOVERY_INDEMNITY, late_interest

INDEMNITY_CURRENCY = "EUR"  # the €40 of art. D441-5 is in euros, whatever the invoice's


@dataclass(frozen=True)
class CustomerFacts:
    name: str
    external_id: str = ""
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ContactFacts:
    name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class EntityFacts:
    name: str
    address: str = ""
    siren: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    email: str = ""
    logo: str = ""  # the stored file's name, for the letter's head (not a template variable)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class SenderFacts:
    name: str
    email: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class LineFacts:
    """One invoice as the message states it, as of the message's date."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    days_past_due: int
    open_amount: Decimal
    currency: str
    interest: Decimal
    reminded: bool = False  # an earlier step of dunning went out on it (or a call was made)

    @property
    def is_overdue(self) -> bool:
        return self.days_past_due > 0


@dataclass(frozen=True)
class MessageFacts:
    as_of: dt.date
    language: str
    customer: CustomerFacts
    contact: ContactFacts
    entity: EntityFacts
    sender: SenderFacts
    payment_reference: str
    interest_rate: Decimal
    lines: tuple[LineFacts, ...] = field(default_factory=tuple)

    # ----------------------------------------------------------- derived, from the lines

    @property
    def overdue_lines(self) -> tuple[LineFacts, ...]:
        return tuple(line for line in self.lines if line.is_overdue)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.currency for line in self.lines))

    def totals(self) -> dict[str, Decimal]:
        """Open amount per currency (a message never adds euros and dollars)."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.currency] = totals.get(line.currency, ZERO) + line.open_amount
        return totals

    def interest_totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.currency] = totals.get(line.currency, ZERO) + line.interest
        return totals

    @property
    def total_due(self) -> Decimal | None:
        """The total as one number; None when the lines are in several currencies."""
        totals = self.totals()
        if len(totals) > 1:
            return None
        return next(iter(totals.values()), ZERO)

    @property
    def indemnity_total(self) -> Decimal:
        """The fixed recovery indemnity is owed once per invoice paid late."""
        return RECOVERY_INDEMNITY * len(self.overdue_lines)

    @property
    def previously_reminded(self) -> bool:
        """Every invoice of the message was reminded before ("despite our reminders")."""
        return bool(self.lines) and all(line.reminded for line in self.lines)

    @property
    def payable_by_qr(self) -> bool:
        """A SEPA QR code can carry the payment: an IBAN, one total in euros, in EPC bounds."""
        total = self.total_due
        return (
            bool(self.entity.iban)
            and self.currencies == ("EUR",)
            and total is not None
            and Decimal("0") < total <= Decimal("999999999.99")
        )

    @property
    def max_days_past_due(self) -> int:
        return max((line.days_past_due for line in self.lines), default=0)

    @property
    def min_days_past_due(self) -> int:
        return min((line.days_past_due for line in self.lines), default=0)

    # ------------------------------------------------------------------------ storage

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["interest_rate"] = str(self.interest_rate)
        data["lines"] = [
            {
                **asdict(line),
                "issue_date": line.issue_date.isoformat(),
                "due_date": line.due_date.isoformat(),
                "open_amount": str(line.open_amount),
                "interest": str(line.interest),
            }
            for line in self.lines
        ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MessageFacts:
        return cls(
            as_of=dt.date.fromisoformat(data["as_of"]),
            language=data["language"],
            customer=CustomerFacts(**data["customer"]),
            contact=ContactFacts(**data["contact"]),
            entity=EntityFacts(**data["entity"]),
            sender=SenderFacts(**data["sender"]),
            payment_reference=data["payment_reference"],
            interest_rate=Decimal(data["interest_rate"]),
            lines=tuple(
                LineFacts(
                    number=line["number"],
                    issue_date=dt.date.fromisoformat(line["issue_date"]),
                    due_date=dt.date.fromisoformat(line["due_date"]),
                    days_past_due=int(line["days_past_due"]),
                    open_amount=Decimal(line["open_amount"]),
                    currency=line["currency"],
                    interest=Decimal(line["interest"]),
                    reminded=bool(line.get("reminded", False)),
                )
                for line in data["lines"]
            ),
        )


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice of the message, as the ledger has it when the message is produced."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    open_amount: Decimal
    currency: str
    reminded: bool = False


def invoice_lines(
    invoices: list[OpenInvoice], *, as_of: dt.date, interest_rate: Decimal
) -> tuple[LineFacts, ...]:
    """The lines of a message as of its date: settled invoices are left out, days past due
    and interest are counted to ``as_of``. Pure: the caller reads the ledger."""
    lines = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.open_amount <= 0:
            continue
        days = (as_of - invoice.due_date).days
        lines.append(
            LineFacts(
                number=invoice.number,
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                days_past_due=days,
                open_amount=invoice.open_amount,
                currency=invoice.currency,
                interest=late_interest(invoice.open_amount, days, interest_rate),
                reminded=invoice.reminded,
            )
        )
    return tuple(lines)


def sample_facts(language: str = "fr") -> MessageFacts:
    """A made-up message (nothing read, nothing saved): what the template editor previews."""
    as_of = dt.date(2026, 3, 15)
    rate = Decimal("12.15")
    invoices = [
        OpenInvoice(
            "F-2026-0117", dt.date(2026, 1, 14), dt.date(2026, 2, 13), Decimal("1840.00"), "EUR"
        ),
        OpenInvoice(
            "F-2026-0152", dt.date(2026, 2, 1), dt.date(2026, 3, 3), Decimal("615.50"), "EUR"
        ),
    ]
    return MessageFacts(
        as_of=as_of,
        language=language,
        customer=CustomerFacts(
            name="Dupont & Fils",
            external_id="C-0042",
            siren="552100554",
            address="3 rue des Lilas",
            postal_code="69003",
            city="Lyon",
            country="FR" if language == "fr" else "GB",
        ),
        contact=ContactFacts(
            name="Marie Martin", job_title="Comptable", email="compta@dupont.example"
        ),
        entity=EntityFacts(
            name="Transports Rhône-Loire",
            address="12 quai Perrache\n69002 Lyon",
            siren="732829320",
            iban="FR76 3000 6000 0112 3456 7890 189",
            bic="AGRIFRPP",
            email="relances@example.fr",
        ),
        sender=SenderFacts(
            name="Le service comptabilité clients" if language == "fr" else "Accounts receivable",
            email="relances@example.fr",
        ),
        payment_reference="C-0042-0",
        interest_rate=rate,
        lines=invoice_lines(invoices, as_of=as_of, interest_rate=rate),
    )
