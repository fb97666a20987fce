"""The weekly e-mail is in its recipient's language (French by default): words, dates and
amounts, in the subject, the text and the HTML."""

from __future__ import annotations

from encaisse.reporting.digest.sending import DigestStatus, send_portfolio_digest
from encaisse.reporting.tests.conftest import MONDAY


def test_french_by_default(week_of_remi, rep_remi, smtp_inbox):
    outcome = send_portfolio_digest(user=rep_remi, as_of=MONDAY)
    assert outcome.status == DigestStatus.SENT
    [message] = smtp_inbox.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "5\u202f634,56\u00a0€" in message["Subject"]
    assert "Bonjour Rémi," in text
    assert "Non échu" in text
    assert "1re relance (e-mail)" in text  # the dunning step, in French
    assert "Prix ou remise" in text  # the dispute's reason
    assert "jeu. 10 déc." in text  # the promise's day
    assert '<html lang="fr">' in html
    assert "Balance âgée" in html


def test_english_for_a_reader_of_english(week_of_remi, rep_remi, smtp_inbox):
    rep_remi.language = "en"  # the user's language setting
    send_portfolio_digest(user=rep_remi, as_of=MONDAY)
    [message] = smtp_inbox.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert str(message["Subject"]).strip() == (
        "Your week in Encaisse: €5,634.56 outstanding, €3,234.56 overdue"
    )
    assert "Hello Rémi," in text
    assert "Not due: €2,500.00" in text
    assert "First reminder (e-mail)" in text
    assert "Price or discount" in text
    assert "Thu, Dec 10" in text
