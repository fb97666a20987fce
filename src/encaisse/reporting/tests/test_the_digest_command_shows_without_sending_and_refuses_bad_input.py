"""`encaisse digest send --dry-run` shows the e-mails and sends and records nothing; an
empty portfolio gets nothing, and says so; bad input is one clear line."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.accounts.models import Role
from encaisse.ledger.tests.factories import UserFactory
from encaisse.reporting.models import PortfolioDigestDelivery
from encaisse.reporting.tests.conftest import MONDAY


def digest(*args: str) -> str:
    out = io.StringIO()
    call_command("digest", "send", "--as-of", MONDAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_shows_the_email_and_sends_and_records_nothing(week_of_remi, smtp_inbox):
    out = digest("--dry-run", "--user", "remi")
    assert "remi <remi@example.com>: would be sent (week 2026-W50)" in out
    assert "Subject: " in out
    assert "Call about the late invoice" in out
    assert smtp_inbox.messages == []
    assert not PortfolioDigestDelivery.objects.exists()
    assert "sent (week" in digest("--user", "remi")  # the real run still sends it


def test_an_empty_portfolio_gets_nothing_and_the_dry_run_says_so(db, smtp_inbox):
    UserFactory(username="lea", role=Role.SALES_REP)
    assert "lea <lea@example.com>: empty portfolio, nothing would be sent" in digest("--dry-run")
    assert "lea <lea@example.com>: empty portfolio, nothing sent" in digest()
    assert smtp_inbox.messages == []
    assert not PortfolioDigestDelivery.objects.exists()


def test_inactive_users_and_users_without_an_email_are_skipped(week_of_remi, smtp_inbox):
    UserFactory(username="ines", role=Role.SALES_REP, is_active=False)
    UserFactory(username="noe", role=Role.SALES_REP, email="")
    out = digest()
    assert "ines" not in out
    assert "noe" not in out
    assert "remi <remi@example.com>: sent" in out
    assert "ines@example.com" not in {str(m["To"]) for m in smtp_inbox.messages}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--user", "nobody"), "--user: no user named 'nobody'"),
        (("--user", "fanny"), "--user: fanny gets no weekly portfolio e-mail"),
        (("--as-of", "next monday"), "--as-of: 'next monday' is not a date"),
    ],
)
def test_bad_input_is_one_clear_line(finance_fanny, args, message):
    with pytest.raises(CommandError, match="^" + message.replace("'", ".")) as refused:
        call_command("digest", "send", *args, stdout=io.StringIO())
    assert refused.value.returncode == 2
