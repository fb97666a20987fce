"""What people are told about disputes: the owner of a change someone else made, finance
(and the owner) of a dispute whose answer is overdue. Each in the recipient's language."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.collaboration.models_disputes import ACTIVE_DISPUTE_STATUSES, Dispute
from encaisse.collaboration.notifications import language_of, notify
from encaisse.collaboration.permissions import can_work_finance_queue
from encaisse.ledger.scoping import visible_customers


def person_name(user: User | None) -> str:
    if user is None:
        return _("finance")
    return user.get_full_name() or user.username


def dispute_url(dispute: Dispute) -> str:
    return reverse("dispute-detail", kwargs={"dispute_id": dispute.pk})


def tell_owner(dispute: Dispute, *, by: User | None, what: str, comment: str = "") -> None:
    """The owner hears of a change someone else made (``what`` is one of the headlines
    below, written in the owner's language)."""
    owner = dispute.owner
    if owner is None or not owner.is_active or (by is not None and owner.pk == by.pk):
        return
    with translation.override(language_of(owner)):
        values = {
            "customer": dispute.customer.name,
            "reason": dispute.get_reason_display(),
            "status": dispute.get_status_display(),
            "person": person_name(by),
        }
        headlines = {
            "assigned": _("Dispute for you: %(customer)s, %(reason)s"),
            "status": _("Dispute of %(customer)s: %(status)s"),
            "comment": _("Dispute of %(customer)s: a comment from %(person)s"),
            "due_date": _("Dispute of %(customer)s: the answer is due on a new date"),
        }
        body = _("By %(person)s.") % values
        if comment:
            body = f"{body}\n{comment}"
        notify(
            recipient=owner,
            title=headlines[what] % values,
            body=body,
            url=dispute_url(dispute),
            customer=dispute.customer,
        )


def notify_overdue_disputes(*, as_of: dt.date) -> int:
    """Tell finance, and the owner, of each active dispute whose answer was due before
    ``as_of``: once per dispute (``overdue_notified_on``; a new due date resets it), so the
    daily job may run twice. How many disputes were told."""
    told = 0
    finance = [user for user in User.objects.filter(is_active=True) if can_work_finance_queue(user)]
    overdue = (
        Dispute.objects.active()
        .filter(due_on__lt=as_of, overdue_notified_on__isnull=True)
        .select_related("customer", "owner")
        .order_by("due_on", "pk")
    )
    for dispute in overdue:
        with transaction.atomic():
            claimed = Dispute.objects.filter(
                pk=dispute.pk,
                overdue_notified_on__isnull=True,
                status__in=ACTIVE_DISPUTE_STATUSES,
            ).update(overdue_notified_on=as_of)
            if not claimed:
                continue  # told by a run at the same time, or closed meanwhile
            recipients = {user.pk: user for user in finance}
            owner = dispute.owner
            if (
                owner is not None
                and owner.is_active
                and visible_customers(owner).filter(pk=dispute.customer_id).exists()
            ):
                recipients[owner.pk] = owner
            for recipient in recipients.values():
                _tell_overdue(dispute, recipient, as_of=as_of)
            told += 1
    return told


def _tell_overdue(dispute: Dispute, recipient: User, *, as_of: dt.date) -> None:
    assert dispute.due_on is not None  # noqa: S101  (only disputes with a due date are late)
    with translation.override(language_of(recipient)):
        days = (as_of - dispute.due_on).days
        notify(
            recipient=recipient,
            title=_("Dispute past its due date: %(customer)s, %(reason)s")
            % {"customer": dispute.customer.name, "reason": dispute.get_reason_display()},
            body=ngettext(
                "The answer was due on %(day)s, %(count)d day ago. Owner: %(person)s.",
                "The answer was due on %(day)s, %(count)d days ago. Owner: %(person)s.",
                days,
            )
            % {
                "day": formats.date_format(dispute.due_on, "SHORT_DATE_FORMAT"),
                "count": days,
                "person": person_name(dispute.owner),
            },
            url=dispute_url(dispute),
            customer=dispute.customer,
        )
