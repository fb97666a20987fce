"""After a letter's PDF is generated: finance prints it, then posts it (a formal notice goes
by registered mail, with its number). Its status says which of these happened."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import DateTimeField, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_run_dunning
from encaisse.core.errors import BadInput
from encaisse.dunning.models import DeliveryStatus, OutboundMessage

TO_POST = OutboundMessage.status_filter(DeliveryStatus.GENERATED) | OutboundMessage.status_filter(
    DeliveryStatus.PRINTED
)


def _finance(user: User) -> None:
    if not can_run_dunning(user):
        raise BadInput(_("only finance records what happened to a letter"))


@transaction.atomic
def record_letters_printed(*, letters: QuerySet[OutboundMessage], printed_by: User) -> int:
    """The letters (generated, not yet printed) are printed now; returns how many."""
    _finance(printed_by)
    return letters.filter(OutboundMessage.status_filter(DeliveryStatus.GENERATED)).update(
        printed_at=timezone.now()
    )


def _check_posted_on(posted_on: dt.date, *, today: dt.date, generated_on: dt.date) -> None:
    if posted_on > today:
        raise BadInput(_("posted on: a letter cannot be posted in the future"))
    if posted_on < generated_on:
        raise BadInput(
            _("posted on: the letter was generated on %(day)s, it cannot be posted before")
            % {"day": generated_on.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def record_letter_posted(
    *,
    letter: OutboundMessage,
    posted_on: dt.date,
    tracking_number: str,
    posted_by: User,
    today: dt.date,
) -> OutboundMessage:
    """The letter went to the post office on ``posted_on`` (with its registered letter
    number, when it has one). A letter posted already may have its date or number put
    right; a message that is not a generated letter cannot be posted."""
    _finance(posted_by)
    locked = OutboundMessage.objects.select_for_update().get(pk=letter.pk)
    if locked.status not in {
        DeliveryStatus.GENERATED,
        DeliveryStatus.PRINTED,
        DeliveryStatus.POSTED,
    }:
        raise BadInput(_("only a letter whose PDF was generated can be recorded as posted"))
    assert locked.sent_at is not None  # noqa: S101 (a generated letter has its date)
    _check_posted_on(posted_on, today=today, generated_on=timezone.localdate(locked.sent_at))
    locked.posted_on = posted_on
    locked.posted_by = posted_by
    locked.tracking_number = tracking_number.strip()[:40]
    locked.printed_at = locked.printed_at or timezone.now()
    locked.save(update_fields=["posted_on", "posted_by", "tracking_number", "printed_at"])
    return locked


@transaction.atomic
def record_letters_posted(
    *, letters: QuerySet[OutboundMessage], posted_on: dt.date, posted_by: User, today: dt.date
) -> int:
    """Every letter of ``letters`` not yet posted went to the post on ``posted_on``."""
    _finance(posted_by)
    if posted_on > today:
        raise BadInput(_("posted on: a letter cannot be posted in the future"))
    return (
        letters.filter(TO_POST)
        .filter(sent_at__date__lte=posted_on)
        .update(
            posted_on=posted_on,
            posted_by=posted_by,
            printed_at=Coalesce("printed_at", Value(timezone.now(), output_field=DateTimeField())),
        )
    )
