"""Two runs at once (the daily job and an operator's `encaisse digest send`): while the first
is still talking to the mail server, the second finds this week's e-mail claimed and sends
nothing; the first then finishes, and the e-mail arrived once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from encaisse.reporting.digest.sending import DigestStatus, send_portfolio_digest
from encaisse.reporting.models import PortfolioDigestDelivery
from encaisse.reporting.tests.conftest import MONDAY


@pytest.mark.django_db(transaction=True)
def test_the_second_run_leaves_the_email_the_first_is_sending(
    smtp_inbox, jobs_run_inline, week_of_remi, rep_remi
):
    # An address of his own for this e-mail: the fixture's task notified him at the other.
    rep_remi.email = "remi.weekly@example.com"
    rep_remi.save()
    smtp_inbox.hold_for = rep_remi.email  # the server keeps the first run waiting
    first: list[DigestStatus] = []

    def first_run() -> None:
        try:
            first.append(send_portfolio_digest(user=rep_remi, as_of=MONDAY).status)
        finally:
            connection.close()

    runner = threading.Thread(target=first_run)
    runner.start()
    assert smtp_inbox.holding.wait(timeout=30), "the first run never reached the server"

    second = send_portfolio_digest(user=rep_remi, as_of=MONDAY)
    assert second.status == DigestStatus.ALREADY_SENT

    smtp_inbox.release.set()
    runner.join(timeout=30)
    assert first == [DigestStatus.SENT]
    to = [str(message["To"]) for message in smtp_inbox.messages]
    assert to.count("remi.weekly@example.com") == 1
    (delivery,) = PortfolioDigestDelivery.objects.all()
    assert delivery.sent_at is not None
