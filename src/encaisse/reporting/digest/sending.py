"""Sending the weekly portfolio e-mail: at most once per user and ISO week.

A delivery row (user, week) is claimed under a unique constraint before the e-mail goes out,
so two runs at once never both send it; if sending fails the claim is released and the error
raised (the job tries again, and so does the next day's run). A claim left by a process that
died while sending is taken over once it is older than ENCAISSE_OUTBOX_STALE_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from encaisse.accounts.models import User
from encaisse.accounts.permissions import gets_portfolio_digest
from encaisse.collaboration.notifications import language_of
from encaisse.core.jobs import enqueue
from encaisse.reporting.digest.composing import DigestEmail, compose_digest_email
from encaisse.reporting.digest.selectors import (
    PortfolioDigest,
    digest_recipients,
    iso_week,
    portfolio_digest,
)
from encaisse.reporting.models import PortfolioDigestDelivery

DIGEST_JOB = "encaisse.reporting.tasks.send_portfolio_digest_task"


class DigestStatus(StrEnum):
    SENT = "sent"
    WOULD_SEND = "would_send"  # a dry run
    ALREADY_SENT = "already_sent"  # this week's went out (or is going out) already
    EMPTY = "empty"  # nothing open, coming or to do: nothing is sent
    NO_EMAIL = "no_email"
    NOT_A_RECIPIENT = "not_a_recipient"  # inactive, or a role without a portfolio to follow
    FAILED = "failed"  # the mail server refused it or could not be reached: not recorded


@dataclass(frozen=True)
class DigestOutcome:
    username: str
    email: str
    week: str
    status: DigestStatus
    digest: PortfolioDigest | None = None
    message: DigestEmail | None = None
    error: str = ""


def is_digest_day(day: dt.date) -> bool:
    """The weekly e-mail goes out on ENCAISSE_DIGEST_WEEKDAY (0 Monday ... 6 Sunday) or, for
    those not sent yet that week, any day after it."""
    return day.weekday() >= int(settings.ENCAISSE_DIGEST_WEEKDAY)


def _already_sent(user: User, week: str) -> bool:
    return PortfolioDigestDelivery.objects.filter(
        user=user, week=week, sent_at__isnull=False
    ).exists()


def _claim(user: User, week: str) -> dt.datetime | None:
    """This week's delivery of ``user``, claimed now: the claim's time, or None when another
    run has it (sent, or sending for less than ENCAISSE_OUTBOX_STALE_SECONDS)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            PortfolioDigestDelivery.objects.create(user=user, week=week, claimed_at=now)
    except IntegrityError:
        stale = now - dt.timedelta(seconds=settings.ENCAISSE_OUTBOX_STALE_SECONDS)
        taken = PortfolioDigestDelivery.objects.filter(
            user=user, week=week, sent_at__isnull=True, claimed_at__lt=stale
        ).update(claimed_at=now)
        return now if taken else None
    return now


def _send(message: DigestEmail, to: str) -> None:
    mail = EmailMultiAlternatives(subject=message.subject, body=message.text, to=[to])
    mail.attach_alternative(message.html, "text/html")
    mail.send()


def send_portfolio_digest(*, user: User, as_of: dt.date, dry_run: bool = False) -> DigestOutcome:
    """Send ``user`` their weekly portfolio as of ``as_of``, unless sent already that ISO
    week, empty, or they get none. ``dry_run`` composes it and records and sends nothing."""
    week = iso_week(as_of)
    outcome = DigestOutcome(
        username=user.username, email=user.email, week=week, status=DigestStatus.EMPTY
    )
    if not gets_portfolio_digest(user):
        return replace(outcome, status=DigestStatus.NOT_A_RECIPIENT)
    if not user.email:
        return replace(outcome, status=DigestStatus.NO_EMAIL)
    digest = portfolio_digest(user, as_of=as_of)
    if digest.is_empty:
        return replace(outcome, digest=digest)
    message = compose_digest_email(digest, language=language_of(user))
    outcome = replace(outcome, digest=digest, message=message)
    if _already_sent(user, week):
        return replace(outcome, status=DigestStatus.ALREADY_SENT)
    if dry_run:
        return replace(outcome, status=DigestStatus.WOULD_SEND)
    claimed_at = _claim(user, week)
    if claimed_at is None:
        return replace(outcome, status=DigestStatus.ALREADY_SENT)
    claim = PortfolioDigestDelivery.objects.filter(user=user, week=week, claimed_at=claimed_at)
    try:
        _send(message, user.email)
    except Exception:
        claim.filter(sent_at__isnull=True).delete()
        raise
    claim.update(sent_at=timezone.now())
    return replace(outcome, status=DigestStatus.SENT)


def send_portfolio_digests(
    *, as_of: dt.date, users: Iterable[User] | None = None, dry_run: bool = False
) -> list[DigestOutcome]:
    """Send (or, ``dry_run``, show) the weekly portfolio of ``users`` (default: every
    recipient), one after the other, in this process. One the mail server refuses is
    FAILED (and sent by a later run); the others still go."""
    outcomes = []
    for user in digest_recipients() if users is None else users:
        try:
            outcomes.append(send_portfolio_digest(user=user, as_of=as_of, dry_run=dry_run))
        except (smtplib.SMTPException, OSError) as error:
            outcomes.append(
                DigestOutcome(
                    username=user.username,
                    email=user.email,
                    week=iso_week(as_of),
                    status=DigestStatus.FAILED,
                    error=str(error) or type(error).__name__,
                )
            )
    return outcomes


def queue_weekly_portfolio_digests(*, as_of: dt.date) -> int:
    """The daily job's part: on or after the digest's weekday, queue one job per recipient
    not sent this week yet. How many were queued."""
    if not is_digest_day(as_of):
        return 0
    sent = PortfolioDigestDelivery.objects.filter(week=iso_week(as_of)).values("user_id")
    ids = list(digest_recipients().exclude(pk__in=sent).values_list("pk", flat=True))
    for user_id in ids:
        enqueue(DIGEST_JOB, user_id=user_id, as_of=as_of.isoformat())
    return len(ids)


def send_portfolio_digest_by_id(*, user_id: int, as_of: dt.date) -> DigestStatus:
    """One recipient's job: their weekly e-mail (nothing if they are gone)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return DigestStatus.NOT_A_RECIPIENT
    return send_portfolio_digest(user=user, as_of=as_of).status
