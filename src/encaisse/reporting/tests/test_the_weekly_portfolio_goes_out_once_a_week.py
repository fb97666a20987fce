"""The weekly portfolio e-mail reaches each rep and manager once per ISO week, through a real
SMTP server on loopback: a second run sends nothing, the daily job waits for the digest's
weekday, a refused e-mail is sent by the next run, and a claim another run holds is left."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from encaisse.reporting.models import PortfolioDigestDelivery
from encaisse.reporting.tasks import send_weekly_portfolio_digests_task
from encaisse.reporting.tests.conftest import MONDAY

DIGEST_JOB = "encaisse.reporting.tasks.send_weekly_portfolio_digests_task"


def send(*args: str, as_of: dt.date = MONDAY) -> str:
    out = io.StringIO()
    call_command("digest", "send", "--as-of", as_of.isoformat(), *args, stdout=out)
    return out.getvalue()


def recipients(inbox) -> list[str]:
    return sorted(str(message["To"]) for message in inbox.messages)


EVERYONE = ["maud@example.com", "paul@example.com", "remi@example.com", "sarah@example.com"]


def test_two_runs_send_one_email_to_each(week_of_remi, manager_maud, smtp_inbox):
    first = send()
    assert "remi <remi@example.com>: sent (week 2026-W50)" in first
    assert recipients(smtp_inbox) == EVERYONE

    second = send()
    assert "remi <remi@example.com>: already sent for week 2026-W50, not sent again" in second
    assert recipients(smtp_inbox) == EVERYONE  # nothing more
    assert PortfolioDigestDelivery.objects.filter(week="2026-W50").count() == 4

    later_that_week = send(as_of=MONDAY + dt.timedelta(days=4))
    assert "already sent" in later_that_week
    assert len(smtp_inbox.messages) == 4


def test_the_email_has_a_text_and_an_html_part_linking_back_to_the_app(
    week_of_remi, smtp_inbox, settings
):
    settings.ENCAISSE_BASE_URL = "https://encaisse.example.com"
    send("--user", "remi")
    [message] = smtp_inbox.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "https://encaisse.example.com/customers/" in text
    assert 'href="https://encaisse.example.com/tasks/' in html
    assert "Call about the late invoice" in text
    assert "Call about the late invoice" in html


def test_the_daily_job_sends_on_monday_then_nothing_more_that_week(
    week_of_remi, manager_maud, smtp_inbox, jobs_run_inline, django_capture_on_commit_callbacks
):
    assert DIGEST_JOB in django_settings.ENCAISSE_DAILY_JOBS

    def daily(day: dt.date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_weekly_portfolio_digests_task(as_of=day.isoformat())

    assert daily(MONDAY) == 4
    assert recipients(smtp_inbox) == EVERYONE
    assert daily(MONDAY) == 0  # the same day again
    assert daily(MONDAY + dt.timedelta(days=1)) == 0  # Tuesday: all sent this week
    assert len(smtp_inbox.messages) == 4
    assert daily(MONDAY + dt.timedelta(days=7)) == 4  # the next Monday
    assert len(smtp_inbox.messages) == 8


def test_the_daily_job_waits_for_a_later_weekday_then_sends(
    week_of_remi, smtp_inbox, jobs_run_inline, django_capture_on_commit_callbacks, settings
):
    settings.ENCAISSE_DIGEST_WEEKDAY = 2  # Wednesday
    for day in (MONDAY, MONDAY + dt.timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_weekly_portfolio_digests_task(as_of=day.isoformat()) == 0
    assert smtp_inbox.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        thursday = MONDAY + dt.timedelta(days=3)
        assert send_weekly_portfolio_digests_task(as_of=thursday.isoformat()) == 4
    assert recipients(smtp_inbox) == EVERYONE


def test_a_refused_email_is_not_recorded_and_goes_with_the_next_run(week_of_remi, smtp_inbox):
    smtp_inbox.refuse.add("remi@example.com")
    with pytest.raises(CommandError, match="not sent to remi") as refused:
        send()
    assert refused.value.returncode == 1
    assert not PortfolioDigestDelivery.objects.filter(user__username="remi").exists()
    assert recipients(smtp_inbox) == ["maud@example.com", "paul@example.com", "sarah@example.com"]

    smtp_inbox.refuse.clear()
    out = send()
    assert "remi <remi@example.com>: sent" in out
    assert recipients(smtp_inbox) == EVERYONE


def test_a_claim_held_by_another_run_is_left_unless_it_went_stale(
    week_of_remi, rep_remi, smtp_inbox, settings
):
    settings.ENCAISSE_OUTBOX_STALE_SECONDS = 600
    claim = PortfolioDigestDelivery.objects.create(
        user=rep_remi, week="2026-W50", claimed_at=timezone.now()
    )
    assert "already sent" in send("--user", "remi")
    assert smtp_inbox.messages == []

    # That run died while sending: its claim is taken over once stale.
    claim.claimed_at = timezone.now() - dt.timedelta(minutes=11)
    claim.save()
    assert "remi <remi@example.com>: sent" in send("--user", "remi")
    assert recipients(smtp_inbox) == ["remi@example.com"]
    claim.refresh_from_db()
    assert claim.sent_at is not None
