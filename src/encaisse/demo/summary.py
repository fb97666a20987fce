"""What the demo command prints once the company is loaded: how big it is, and who can log
in to see what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from encaisse.accounts.models import Agency, Role, User
from encaisse.core.money import to_money
from encaisse.demo import cast
from encaisse.ledger.models import (
    Allocation,
    Contact,
    Customer,
    Invoice,
    InvoiceKind,
    LegalEntity,
    Payment,
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str
    what: str  # what they see, in a few words


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds (counts over the whole ledger) and the demo logins."""

    company: str
    agencies: int
    users: int
    customers: int
    contacts: int
    invoices: int
    credit_notes: int
    open_invoices: int
    payments: int
    allocations: int
    outstanding: Decimal  # open invoices and credit notes, less unallocated payments
    overdue: Decimal
    first_issue: dt.date | None
    last_issue: dt.date | None
    logins: list[DemoLogin]
    seconds: float = 0.0
    password: str = cast.DEMO_PASSWORD


@transaction.atomic
def demo_summary(*, today: dt.date, seconds: float = 0.0) -> DemoSummary:
    """The counts of the ledger (whatever loaded it), what is outstanding, the demo logins."""
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    money = Invoice.objects.open().aggregate(
        outstanding=Sum("open_amount"), overdue=Sum("open_amount", filter=Q(due_date__lt=today))
    )
    unallocated = Payment.objects.aggregate(total=Sum("unallocated_amount"))["total"]
    entity = LegalEntity.objects.filter(code=cast.ENTITY.code).first()
    dates = invoices.order_by("issue_date").values_list("issue_date", flat=True)
    return DemoSummary(
        company=entity.name if entity else "",
        agencies=Agency.objects.count(),
        users=User.objects.count(),
        customers=Customer.objects.count(),
        contacts=Contact.objects.count(),
        invoices=invoices.count(),
        credit_notes=Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count(),
        open_invoices=invoices.open().count(),
        payments=Payment.objects.count(),
        allocations=Allocation.objects.count(),
        outstanding=to_money(money["outstanding"]) - to_money(unallocated),
        overdue=to_money(money["overdue"]),
        first_issue=dates.first(),
        last_issue=dates.last(),
        logins=demo_logins(),
        seconds=seconds,
    )


def demo_logins() -> list[DemoLogin]:
    """The demo's people who can sign in, by role (reps last), with what each one sees."""
    people = {person.username: person for person in cast.PEOPLE}
    users = {
        user.username: user
        for user in User.objects.filter(username__in=people).prefetch_related(
            "managed_agencies", "team"
        )
    }
    order = [Role.ADMIN, Role.FINANCE, Role.VIEWER, Role.SALES_MANAGER, Role.AGENCY_MANAGER]
    order.append(Role.SALES_REP)
    return [
        DemoLogin(
            username=person.username,
            name=users[person.username].get_full_name(),
            role=str(role.label),
            what=_what_they_see(person, users[person.username]),
        )
        for role in order
        for person in cast.PEOPLE
        if person.role == role and person.username in users and users[person.username].role == role
    ]


def _what_they_see(person: cast.Person, user: User) -> str:
    if person.role == Role.ADMIN:
        return f"{person.title}: everything, and the admin site"
    if person.role == Role.FINANCE:
        return f"{person.title}: every customer, runs the dunning"
    if person.role == Role.VIEWER:
        return f"{person.title}: every customer, read-only"
    if person.role == Role.SALES_MANAGER:
        return f"{person.title}: the portfolios of {len(user.team.all())} reps"
    if person.role == Role.AGENCY_MANAGER:
        codes = ", ".join(sorted(agency.code for agency in user.managed_agencies.all()))
        return f"{person.title}: customers of {codes}"
    if person.key_accounts:
        return f"{person.title}: their own portfolio"
    return f"{person.title}, {' and '.join(person.covers)}: their own portfolio"
