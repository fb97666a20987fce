"""Reading notes: a customer's, one the reader may open, those mentioning me, and who may
be mentioned on a customer. Everything starts from the reader's portfolio."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from encaisse.accounts.models import User
from encaisse.collaboration.models import Note
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import customer_audience, visible_customers

MENTION_SUGGESTIONS = 8


def _with_details(notes: QuerySet[Note]) -> QuerySet[Note]:
    return notes.select_related("author", "invoice", "dispute", "customer").prefetch_related(
        "revisions", "mentions__user"
    )


def customer_notes(customer: Customer, *, limit: int = 50) -> list[Note]:
    """The customer's latest notes, newest first (the customer is already scoped)."""
    return list(_with_details(Note.objects.filter(customer=customer))[:limit])


def visible_notes(user: User) -> QuerySet[Note]:
    return Note.objects.filter(customer__in=visible_customers(user).values("pk"))


def visible_note(user: User, note_id: int) -> Note | None:
    return visible_notes(user).select_related("customer", "author").filter(pk=note_id).first()


def notes_mentioning(user: User, *, limit: int = 50) -> list[Note]:
    """The notes that mention ``user``, on customers they still see, newest first."""
    return list(_with_details(visible_notes(user).filter(mentions__user=user))[:limit])


def mention_candidates(
    customer: Customer, query: str, *, limit: int = MENTION_SUGGESTIONS
) -> list[User]:
    """Who may be mentioned on ``customer`` (the active users who see it) whose username or
    name starts with ``query``; everyone of them (up to ``limit``) when it is empty."""
    users = customer_audience(customer)
    for word in query.strip().lstrip("@").split()[:3]:
        users = users.filter(
            Q(username__istartswith=word)
            | Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
        )
    return list(users.order_by("first_name", "last_name", "username")[:limit])
