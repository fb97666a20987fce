"""Each person chooses how notifications reach them by e-mail: one at a time at once, one
digest a day, or none (the app always shows them). The daily digest goes through a real
SMTP server on loopback, in its reader's language, once a day whatever the number of runs,
and never repeats a notification already e-mailed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings

from encaisse.accounts.models import NotificationDelivery
from encaisse.collaboration.models import Notification, NotificationDigest
from encaisse.collaboration.services import notify
from encaisse.core.jobs import run_now

pytestmark = pytest.mark.django_db
MONDAY = "2026-03-09"
DAILY = "encaisse.collaboration.tasks.send_notification_digests_task"


@pytest.fixture
def people(rep_remi, rep_sarah, rep_paul, finance_fanny):
    """Rémi (French) and Fanny (English) chose the digest, Sarah e-mails at once, Paul none."""
    for user, language, delivery in (
        (rep_remi, "fr", NotificationDelivery.DAILY_DIGEST),
        (finance_fanny, "en", NotificationDelivery.DAILY_DIGEST),
        (rep_sarah, "", NotificationDelivery.IMMEDIATELY),
        (rep_paul, "", NotificationDelivery.NONE),
    ):
        user.language, user.notification_delivery = language, delivery
        user.save(update_fields=["language", "notification_delivery"])
    return rep_remi, finance_fanny, rep_sarah, rep_paul


def tell_everyone(people, capture, title):
    with capture(execute=True):
        for person in people:
            notify(recipient=person, title=f"{title} ({person.username})", url="/my-day/")


def run_the_daily_jobs(capture, day):
    with capture(execute=True):
        run_now("encaisse.core.tasks.run_daily_jobs_task", as_of=day)


def by_recipient(inbox):
    return {str(message["To"]): message for message in inbox.messages}


def test_the_daily_job_is_in_the_one_list_of_daily_jobs():
    assert DAILY in django_settings.ENCAISSE_DAILY_JOBS


def test_each_person_hears_as_they_chose_and_a_digest_goes_once_a_day(
    people, smtp_inbox, jobs_run_inline, django_capture_on_commit_callbacks
):
    remi, fanny, sarah, paul = people
    capture = django_capture_on_commit_callbacks
    tell_everyone(people, capture, "Call Client 1")
    tell_everyone(people, capture, "Payment received")

    # At once: only Sarah, one e-mail per notification.
    assert sorted(str(m["To"]) for m in smtp_inbox.messages) == ["sarah@example.com"] * 2
    smtp_inbox.messages.clear()

    run_the_daily_jobs(capture, MONDAY)

    mails = by_recipient(smtp_inbox)
    assert set(mails) == {"remi@example.com", "fanny@example.com"}  # Paul: none, Sarah: done
    assert len(smtp_inbox.messages) == 2
    fannys = mails["fanny@example.com"]
    assert fannys["Subject"] == "Encaisse: 2 new notifications"
    text = fannys.get_content()
    assert text.startswith("Hello Fanny,")
    assert "- Call Client 1 (fanny)" in text
    assert "- Payment received (fanny)" in text
    assert "(remi)" not in text
    assert f"{django_settings.ENCAISSE_BASE_URL.rstrip('/')}/my-day/" in text
    remis = mails["remi@example.com"].get_content()
    assert remis.startswith("Bonjour Rémi,")  # in his language
    assert "- Call Client 1 (remi)" in remis

    # Everything carried is marked e-mailed; Paul's stay in the app only.
    assert not Notification.objects.filter(recipient__in=[remi, fanny, sarah], emailed_at=None)
    assert Notification.objects.filter(recipient=paul, emailed_at=None).count() == 2
    assert Notification.objects.filter(recipient=paul, read_at=None).count() == 2

    # Run again the same day, even with something new: nothing goes twice in a day.
    tell_everyone([remi], capture, "Promise broken")
    smtp_inbox.messages.clear()
    run_the_daily_jobs(capture, MONDAY)
    assert smtp_inbox.messages == []
    assert NotificationDigest.objects.filter(day=dt.date(2026, 3, 9)).count() == 2

    # The next day, only what was not e-mailed yet.
    run_the_daily_jobs(capture, "2026-03-10")
    [tuesday] = smtp_inbox.messages
    assert tuesday["To"] == "remi@example.com"
    body = tuesday.get_content()
    assert "Promise broken (remi)" in body
    assert "Call Client 1" not in body


def test_a_digest_the_server_refuses_is_tried_again_and_sent_once(
    people, smtp_inbox, jobs_run_inline, django_capture_on_commit_callbacks, settings
):
    settings.ENCAISSE_JOB_RETRY_BACKOFF_SECONDS = 0
    remi = people[0]
    capture = django_capture_on_commit_callbacks
    tell_everyone([remi], capture, "Call Client 1")
    smtp_inbox.refuse_once.add("remi@example.com")

    run_the_daily_jobs(capture, MONDAY)

    assert smtp_inbox.refused == ["remi@example.com"]
    [mail] = smtp_inbox.messages
    assert mail["To"] == "remi@example.com"
    assert NotificationDigest.objects.get(recipient=remi).notification_count == 1
