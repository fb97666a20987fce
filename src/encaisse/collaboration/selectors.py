"""What people read about tasks and notifications, always inside their portfolio."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from encaisse.accounts.models import Role, User
from encaisse.collaboration.models import Notification, Task, TaskStatus
from encaisse.collaboration.permissions import can_work_finance_queue
from encaisse.core.money import ZERO
from encaisse.ledger.models import Contact, Invoice
from encaisse.ledger.scoping import visible_customers

# Managers follow their team's tasks; finance follows its own queue instead.
FOLLOWS_A_TEAM = frozenset({Role.SALES_MANAGER, Role.AGENCY_MANAGER})


def visible_tasks(user: User) -> QuerySet[Task]:
    """The tasks ``user`` may see: on customers of their portfolio, and for a sales rep only
    those assigned to them (a colleague's or finance's task is not theirs to see)."""
    tasks = Task.objects.filter(customer__in=visible_customers(user).values("pk"))
    if user.role == Role.SALES_REP:
        tasks = tasks.filter(assignee=user)
    return tasks


@dataclass(frozen=True)
class TaskCard:
    """A task with what the person needs to act on it: why, how much, whom to call."""

    task: Task
    invoices: list[Invoice]
    open_amount: Decimal
    currency: str
    days_late: int  # of the oldest invoice still open, 0 when none is past due
    contact_name: str
    phone: str
    today: dt.date

    @property
    def is_late(self) -> bool:
        return self.task.due_on < self.today

    @property
    def is_due_today(self) -> bool:
        return self.task.due_on == self.today

    @property
    def days_behind(self) -> int:
        return max((self.today - self.task.due_on).days, 0)

    @property
    def is_unassigned(self) -> bool:
        return self.task.assignee_id is None


def _collection_contact(contacts: Iterable[Contact]) -> Contact | None:
    """The main contact for collection with a phone, else any contact with a phone."""
    with_phone = [contact for contact in contacts if contact.phone]
    primary = [contact for contact in with_phone if contact.is_primary]
    candidates = primary or with_phone
    return candidates[0] if candidates else None


def _card(task: Task, today: dt.date) -> TaskCard:
    invoices = list(task.invoices.all())
    still_open = [invoice for invoice in invoices if invoice.settled_on is None]
    oldest_late = max(((today - i.due_date).days for i in still_open), default=0)
    contact = _collection_contact(task.customer.contacts.all())
    return TaskCard(
        task=task,
        invoices=invoices,
        open_amount=sum((invoice.open_amount for invoice in still_open), ZERO),
        currency=invoices[0].currency if invoices else "EUR",
        days_late=max(oldest_late, 0),
        contact_name=contact.name if contact else "",
        phone=contact.phone if contact else task.customer.phone,
        today=today,
    )


def _with_cards_data(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Customer, assignee, invoices and contacts in four queries, whatever the number."""
    return tasks.select_related("customer", "assignee").prefetch_related(
        Prefetch("invoices", queryset=Invoice.objects.order_by("due_date", "number")),
        Prefetch("customer__contacts", queryset=Contact.objects.order_by("-is_primary", "name")),
    )


def task_card(task: Task, today: dt.date) -> TaskCard:
    """One task as a card (for the task page and after an outcome is refused)."""
    return _card(task, today)


def visible_task(user: User, task_id: int) -> Task | None:
    """One task ``user`` may see, with what its card needs; None outside the portfolio."""
    return _with_cards_data(visible_tasks(user)).filter(pk=task_id).first()


@dataclass(frozen=True)
class MyDay:
    """A person's open tasks: late first, then today's, then those coming."""

    late: list[TaskCard] = field(default_factory=list)
    due_today: list[TaskCard] = field(default_factory=list)
    upcoming: list[TaskCard] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.late) + len(self.due_today) + len(self.upcoming)


def my_day(user: User, today: dt.date) -> MyDay:
    """The open tasks assigned to ``user`` (and, for finance, the unassigned queue)."""
    mine = Q(assignee=user)
    if can_work_finance_queue(user):
        mine |= Q(assignee__isnull=True)
    tasks = _with_cards_data(
        visible_tasks(user).filter(mine, status=TaskStatus.OPEN).order_by("due_on", "pk")
    )
    day = MyDay()
    for task in tasks:
        card = _card(task, today)
        if card.is_late:
            day.late.append(card)
        elif card.is_due_today:
            day.due_today.append(card)
        else:
            day.upcoming.append(card)
    return day


@dataclass(frozen=True)
class TeamMember:
    """One person of a manager's team and their open tasks."""

    person: User
    tasks: list[TaskCard]

    @property
    def late(self) -> int:
        return sum(1 for card in self.tasks if card.is_late)

    @property
    def due_today(self) -> int:
        return sum(1 for card in self.tasks if card.is_due_today)


def team_tasks(user: User, today: dt.date) -> list[TeamMember]:
    """For a manager: the open tasks of the people working their portfolio, grouped by
    person, those with late tasks first. Empty for anyone else."""
    if user.role not in FOLLOWS_A_TEAM:
        return []
    tasks = _with_cards_data(
        visible_tasks(user)
        .filter(status=TaskStatus.OPEN, assignee__isnull=False)
        .exclude(assignee=user)
        .order_by("due_on", "pk")
    )
    by_person: dict[int, TeamMember] = {}
    for task in tasks:
        if task.assignee is None:  # excluded above; keeps the type checker informed
            continue
        member = by_person.setdefault(task.assignee.pk, TeamMember(task.assignee, []))
        member.tasks.append(_card(task, today))
    return sorted(
        by_person.values(), key=lambda m: (-m.late, m.person.last_name, m.person.first_name)
    )


# --- Notifications -----------------------------------------------------------------------


def _notifications(user: User) -> QuerySet[Notification]:
    """``user``'s notifications, minus those about a customer now outside their portfolio."""
    return Notification.objects.filter(recipient=user).filter(
        Q(customer__isnull=True) | Q(customer__in=visible_customers(user).values("pk"))
    )


def unread_notifications(user: User) -> QuerySet[Notification]:
    return _notifications(user).filter(read_at__isnull=True)


def unread_notification_count(user: User) -> int:
    """One COUNT query (the bell in the navigation bar)."""
    if not user.is_authenticated:
        return 0
    return unread_notifications(user).count()


def latest_unread_notifications(user: User, limit: int = 5) -> list[Notification]:
    """The bell's menu: the newest unread, in one query."""
    return list(unread_notifications(user).order_by("-created_at", "-pk")[:limit])


def recent_notifications(user: User, limit: int = 50) -> list[Notification]:
    return list(_notifications(user).order_by("-created_at", "-pk")[:limit])


def visible_notification(user: User, notification_id: int) -> Notification | None:
    return _notifications(user).filter(pk=notification_id).first()
