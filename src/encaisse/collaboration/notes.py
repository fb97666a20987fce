"""Writing notes on a customer: publish, change for a short while, withdraw; tell whoever a
note mentions. Every version is kept (NoteRevision); nothing is deleted.

A mention names someone who sees the customer (ledger.scoping.customer_audience), or the
note is refused, naming who may not be mentioned, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_write_notes
from encaisse.collaboration.models import Dispute, Note, NoteMention, NoteRevision, NoteState
from encaisse.collaboration.note_text import MAX_LENGTH, mentioned_usernames
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer, Invoice
from encaisse.ledger.scoping import customer_audience, visible_customers


def edit_window() -> dt.timedelta:
    """How long after writing a note its author may still change or withdraw it."""
    return dt.timedelta(minutes=settings.ENCAISSE_NOTE_EDIT_MINUTES)


def may_change_note(note: Note, user: User, *, now: dt.datetime | None = None) -> bool:
    """Only its author, only for a short while, and not once withdrawn."""
    return (
        note.author_id == user.pk
        and not note.is_withdrawn
        and can_write_notes(user)
        and (now or timezone.now()) < note.created_at + edit_window()
    )


def note_url(note: Note) -> str:
    """Where a note is read: its customer's page, scrolled to it."""
    return reverse("customer-detail", args=[note.customer_id]) + f"#note-{note.pk}"


def _checked_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise BadInput(_("Note: write something before saving."))
    if len(body) > MAX_LENGTH:
        raise BadInput(
            _("Note: %(count)s characters at most (this one has %(length)s).")
            % {"count": MAX_LENGTH, "length": len(body)}
        )
    return body


def _mentioned_users(customer: Customer, body: str) -> list[User]:
    """The users ``body`` mentions, all of whom see ``customer``; else BadInput naming the
    unknown and those who may not see it."""
    names = mentioned_usernames(body)
    if not names:
        return []
    users = {
        user.username.lower(): user
        for user in User.objects.annotate(lowered=Lower("username")).filter(
            lowered__in=[name.lower() for name in names], is_active=True
        )
    }
    unknown = [name for name in names if name.lower() not in users]
    if unknown:
        raise BadInput(
            ngettext(
                "Note: no one is called %(names)s; pick a name from the list.",
                "Note: no one is called %(names)s; pick names from the list.",
                len(unknown),
            )
            % {"names": ", ".join(f"@{name}" for name in unknown)}
        )
    audience = set(
        customer_audience(customer)
        .filter(pk__in=[user.pk for user in users.values()])
        .values_list("pk", flat=True)
    )
    outsiders = [user for user in users.values() if user.pk not in audience]
    if outsiders:
        raise BadInput(
            ngettext(
                "Note: %(names)s may not see %(customer)s and cannot be mentioned.",
                "Note: %(names)s may not see %(customer)s and cannot be mentioned.",
                len(outsiders),
            )
            % {
                "names": ", ".join(f"{user} (@{user.username})" for user in outsiders),
                "customer": customer.name,
            }
        )
    return [users[name.lower()] for name in names]


def _check_author(customer: Customer, author: User) -> None:
    if not can_write_notes(author) or not visible_customers(author).filter(pk=customer.pk).exists():
        raise BadInput(_("You may not write notes on this customer."))


def _tell_mentioned(note: Note, users: Sequence[User], author: User) -> None:
    for user in users:
        if user.pk == author.pk:
            continue
        with translation.override(language_of(user)):
            notify(
                recipient=user,
                title=_("%(author)s mentioned you in a note on %(customer)s")
                % {"author": author, "customer": note.customer.name},
                body=Truncator(note.body).chars(500),
                url=note_url(note),
                customer=note.customer,
            )


def _mention(note: Note, users: Sequence[User], author: User) -> None:
    """Record the mentions of the note's current text; tell those newly mentioned."""
    already = set(note.mentions.values_list("user_id", flat=True))
    wanted = {user.pk for user in users}
    note.mentions.exclude(user_id__in=wanted).delete()  # no longer in the text
    new = [user for user in users if user.pk not in already]
    NoteMention.objects.bulk_create([NoteMention(note=note, user=user) for user in new])
    _tell_mentioned(note, new, author)


@transaction.atomic
def write_note(
    *,
    customer: Customer,
    author: User,
    body: str,
    invoice: Invoice | None = None,
    dispute: Dispute | None = None,
) -> Note:
    """Publish a note on ``customer`` (about one of its invoices or disputes, if given) and
    tell the users it mentions; a bad mention refuses the whole note."""
    _check_author(customer, author)
    body = _checked_body(body)
    if invoice is not None and invoice.customer_id != customer.pk:
        raise BadInput(_("Invoice: %(number)s is not this customer's.") % {"number": invoice})
    if dispute is not None and dispute.customer_id != customer.pk:
        raise BadInput(_("Dispute: it is not this customer's."))
    mentioned = _mentioned_users(customer, body)
    note = Note.objects.create(
        customer=customer, author=author, body=body, invoice=invoice, dispute=dispute
    )
    NoteRevision.objects.create(note=note, body=body, written_at=note.created_at)
    _mention(note, mentioned, author)
    return note


@transaction.atomic
def edit_note(*, note: Note, by: User, body: str) -> Note:
    """Change a note's text (its author, within the edit window); the former text stays in
    its history, and only those newly mentioned are told."""
    now = timezone.now()
    if not may_change_note(note, by, now=now):
        raise BadInput(
            _(
                "Note: it can no longer be changed (only its author may, for %(minutes)s"
                " minutes after writing it)."
            )
            % {"minutes": settings.ENCAISSE_NOTE_EDIT_MINUTES}
        )
    body = _checked_body(body)
    if body == note.body:
        return note
    mentioned = _mentioned_users(note.customer, body)
    note.body = body
    note.edited_at = now
    note.save(update_fields=["body", "edited_at"])
    NoteRevision.objects.create(note=note, body=body, written_at=now)
    _mention(note, mentioned, by)
    return note


@transaction.atomic
def withdraw_note(*, note: Note, by: User) -> Note:
    """Take a note back (its author, within the edit window): shown as withdrawn, its text
    kept in its history."""
    now = timezone.now()
    if not may_change_note(note, by, now=now):
        raise BadInput(
            _(
                "Note: it can no longer be withdrawn (only its author may, for %(minutes)s"
                " minutes after writing it)."
            )
            % {"minutes": settings.ENCAISSE_NOTE_EDIT_MINUTES}
        )
    note.state = NoteState.WITHDRAWN
    note.withdrawn_at = now
    note.save(update_fields=["state", "withdrawn_at"])
    return note
