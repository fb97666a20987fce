"""A notification whose e-mail job was lost (the app stopped before running it, Redis was
down) is e-mailed when the app starts again, or by the minute's recovery an hour later;
once, and not when it is a day old."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from encaisse.collaboration.models import Notification
from encaisse.core.jobs import recover_lost_jobs


def lost(rep_remi, title: str, *, age: dt.timedelta) -> Notification:
    notification = Notification.objects.create(recipient=rep_remi, title=title)  # no job
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - age)
    return notification


def test_the_app_starting_again_sends_what_its_lost_jobs_would_have(
    rep_remi, jobs_run_inline, django_capture_on_commit_callbacks
):
    lost(rep_remi, "Just now", age=dt.timedelta(minutes=1))
    lost(rep_remi, "Yesterday", age=dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        recover_lost_jobs(at_start=True)
    assert [message.subject for message in mail.outbox] == ["Just now"]
    with django_capture_on_commit_callbacks(execute=True):
        recover_lost_jobs(at_start=True)
    assert len(mail.outbox) == 1  # e-mailed once


def test_the_minutes_recovery_sends_only_what_waited_an_hour(
    rep_remi, jobs_run_inline, django_capture_on_commit_callbacks
):
    lost(rep_remi, "Just now", age=dt.timedelta(minutes=1))
    lost(rep_remi, "Two hours ago", age=dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        recover_lost_jobs()
    assert [message.subject for message in mail.outbox] == ["Two hours ago"]
