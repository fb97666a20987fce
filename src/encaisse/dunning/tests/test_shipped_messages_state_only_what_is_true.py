"""Every shipped template, in French and English, says only what is true of the invoices it
lists: amounts, days, counts, totals, interest and indemnities, checked against figures
computed here from the invoices themselves, for any set of invoices."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from encaisse.core.templatetags.encaisse import money
from encaisse.dunning.composing.facts import (
    ContactFacts,
    CustomerFacts,
    EntityFacts,
    MessageFacts,
    OpenInvoice,
    SenderFacts,
    invoice_lines,
)
from encaisse.dunning.services.outbox import render_message
from encaisse.dunning.services.setup import TEMPLATE_FILES, read_template_file

AS_OF = dt.date(2026, 6, 15)
RATE = Decimal("12.15")


def shipped(key: str, language: str) -> tuple[str, str]:
    return read_template_file(TEMPLATE_FILES / language / f"{key}.txt")


def facts_of(invoices: list[OpenInvoice], language: str, *, reminded: bool, iban: str = "X"):
    lines = invoice_lines(invoices, as_of=AS_OF, interest_rate=RATE)
    return MessageFacts(
        as_of=AS_OF,
        language=language,
        customer=CustomerFacts(name="Client SA", external_id="C-1"),
        contact=ContactFacts(name="Claire Compta"),
        entity=EntityFacts(
            name="Transports Rhône-Loire", iban="FR7630006000011234567890189" if iban else ""
        ),
        sender=SenderFacts(name="Service comptabilité clients"),
        payment_reference="C-1-7",
        interest_rate=RATE,
        lines=tuple(line.__class__(**{**vars(line), "reminded": reminded}) for line in lines),
    )


def flat(text: str) -> str:
    """One line, ordinary spaces: sentences are hard-wrapped and amounts use no-break spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def expected_interest(invoice: OpenInvoice) -> Decimal:
    days = (AS_OF - invoice.due_date).days
    if days <= 0:
        return Decimal("0.00")
    exact = invoice.open_amount * RATE / 100 * days / 365
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def amount(value: Decimal, language: str) -> str:
    with translation.override(language):
        return flat(money(value, "EUR"))


invoice_strategy = st.builds(
    lambda n, days, cents: OpenInvoice(
        number=f"F-2026-{n:04d}",
        issue_date=AS_OF - dt.timedelta(days=days + 30),
        due_date=AS_OF - dt.timedelta(days=days),
        open_amount=Decimal(cents) / 100,
        currency="EUR",
    ),
    n=st.integers(1, 9999),
    days=st.integers(1, 400),
    cents=st.integers(1, 5_000_000),
)
invoices_strategy = st.lists(invoice_strategy, min_size=1, max_size=6, unique_by=lambda i: i.number)


def check_figures(text: str, invoices: list[OpenInvoice], language: str, *, charges: bool):
    """Totals, counts and, with ``charges``, interest and indemnities, against our own sums."""
    total = sum((i.open_amount for i in invoices), Decimal("0"))
    assert amount(total, language) in text
    late = [i for i in invoices if i.due_date < AS_OF]
    if charges:
        interest = sum((expected_interest(i) for i in invoices), Decimal("0"))
        assert amount(interest, language) in text
        assert amount(Decimal(40) * len(late), language) in text
        assert amount(Decimal(40), language) in text


def check_table(text: str, invoices: list[OpenInvoice], language: str):
    """Each invoice has its row: number, due date, days late, open amount."""
    rows = {
        cells[0]: cells
        for line in text.splitlines()
        if len(cells := re.split(r" {2,}", line.strip())) == 4
    }
    unit = "j" if language == "fr" else "d"
    for invoice in invoices:
        _number, due, days, open_amount = rows[invoice.number]
        assert days == f"{(AS_OF - invoice.due_date).days} {unit}"
        assert flat(open_amount) == amount(invoice.open_amount, language)
        assert due == invoice.due_date.strftime("%d/%m/%Y" if language == "fr" else "%Y-%m-%d")


@hypothesis_settings(max_examples=60, deadline=None)
@given(invoices=invoices_strategy, reminded=st.booleans(), language=st.sampled_from(["fr", "en"]))
def test_a_formal_notice_is_true_of_every_invoice_it_lists(invoices, reminded, language):
    subject, body = render_message(
        *shipped("formal_notice", language), facts_of(invoices, language, reminded=reminded)
    )
    text = flat(body)
    days = sorted((AS_OF - i.due_date).days for i in invoices)
    if language == "fr":
        said = re.search(r"échues? depuis (au moins )?(\d+) jours", text)
        assert ("Malgré nos relances" in text) == reminded
        assert ("la facture ci-dessous demeure" in text) == (len(invoices) == 1)
    else:
        said = re.search(r"been overdue for (at least )?(\d+) days", text)
        assert ("Despite our reminders" in text) == reminded
        assert ("invoice below remains" in text) == (len(invoices) == 1)
    assert said, text
    # "at least N" is true of each invoice and N is the least late; alone, exactly N.
    assert int(said[2]) == days[0]
    assert bool(said[1]) == (len(invoices) > 1)
    assert all(d >= int(said[2]) for d in days)
    assert f"({len(invoices)})" in text  # the indemnity counts the late invoices
    check_figures(text, invoices, language, charges=True)
    check_table(body, invoices, language)
    assert amount(sum((i.open_amount for i in invoices), Decimal(0)), language) in flat(subject)


@hypothesis_settings(max_examples=60, deadline=None)
@given(invoices=invoices_strategy, reminded=st.booleans(), language=st.sampled_from(["fr", "en"]))
def test_a_second_reminder_says_up_to_the_latest_invoice(invoices, reminded, language):
    _subject, body = render_message(
        *shipped("reminder_2", language), facts_of(invoices, language, reminded=reminded)
    )
    text = flat(body)
    oldest = max((AS_OF - i.due_date).days for i in invoices)
    if language == "fr":
        said = re.search(r"avec un retard (pouvant atteindre|de) (\d+) jours", text)
        assert ("Malgré notre précédente relance" in text) == reminded
        assert (said[1] == "pouvant atteindre") == (len(invoices) > 1)
    else:
        said = re.search(r"unpaid, (up to )?(\d+) days late", text)
        assert ("Despite our previous reminder" in text) == reminded
        assert bool(said[1]) == (len(invoices) > 1)
    assert int(said[2]) == oldest
    check_figures(text, invoices, language, charges=True)
    check_table(body, invoices, language)


@hypothesis_settings(max_examples=40, deadline=None)
@given(invoices=invoices_strategy, language=st.sampled_from(["fr", "en"]))
def test_a_first_reminder_lists_and_totals_its_invoices(invoices, language):
    subject, body = render_message(
        *shipped("reminder_1", language), facts_of(invoices, language, reminded=False)
    )
    check_figures(flat(body), invoices, language, charges=False)
    check_table(body, invoices, language)
    plural = len(invoices) > 1
    if language == "fr":
        assert ("factures échues" in subject) == plural
        assert ("les factures suivantes restent impayées" in flat(body)) == plural
    else:
        assert ("overdue invoices" in subject) == plural
    assert ("QR" in body) is True  # an IBAN and one total in euros: the QR code is attached


def test_without_an_iban_no_message_mentions_one():
    invoice = OpenInvoice(
        "F-1", AS_OF - dt.timedelta(40), AS_OF - dt.timedelta(10), Decimal(5), "EUR"
    )
    for language in ("fr", "en"):
        for key in ("courtesy", "reminder_1", "reminder_2", "sms_reminder"):
            _subject, body = render_message(
                *shipped(key, language), facts_of([invoice], language, reminded=True, iban="")
            )
            assert "IBAN" not in body, (key, language)
            assert "QR" not in body, (key, language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_courtesy_reminder_is_true_before_and_after_the_due_date(language):
    soon = OpenInvoice("F-1", AS_OF - dt.timedelta(25), AS_OF + dt.timedelta(5), Decimal(5), "EUR")
    passed = OpenInvoice(
        "F-2", AS_OF - dt.timedelta(31), AS_OF - dt.timedelta(1), Decimal(7), "EUR"
    )
    _subject, body = render_message(
        *shipped("courtesy", language), facts_of([soon, passed], language, reminded=False)
    )
    assert ("à échoir" if language == "fr" else "not due") in body  # F-1 in its table row
    check_table(body, [passed], language)
    check_figures(flat(body), [soon, passed], language, charges=False)


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("fr", "1 facture impayée,", "2 factures impayées,"),
        ("en", "1 unpaid invoice,", "2 unpaid invoices,"),
    ],
)
def test_an_sms_counts_its_invoices(language, one, two):
    first = OpenInvoice(
        "F-1", AS_OF - dt.timedelta(60), AS_OF - dt.timedelta(30), Decimal(5), "EUR"
    )
    second = OpenInvoice(
        "F-2", AS_OF - dt.timedelta(70), AS_OF - dt.timedelta(40), Decimal(7), "EUR"
    )
    template = shipped("sms_reminder", language)
    assert one in render_message(*template, facts_of([first], language, reminded=True))[1]
    text = flat(render_message(*template, facts_of([first, second], language, reminded=True))[1])
    assert two in text
    assert amount(Decimal(12), language) in text


def test_currencies_are_never_added():
    euros = OpenInvoice(
        "F-1", AS_OF - dt.timedelta(60), AS_OF - dt.timedelta(30), Decimal(5), "EUR"
    )
    dollars = OpenInvoice(
        "F-2", AS_OF - dt.timedelta(60), AS_OF - dt.timedelta(30), Decimal(7), "USD"
    )
    facts = facts_of([euros, dollars], "en", reminded=True)
    _subject, body = render_message(*shipped("reminder_1", "en"), facts)
    assert "€5.00 + $7.00" in flat(body)
    assert "12.00" not in body
    assert "QR" not in body  # a QR code carries one amount in euros
    assert facts.total_due is None
