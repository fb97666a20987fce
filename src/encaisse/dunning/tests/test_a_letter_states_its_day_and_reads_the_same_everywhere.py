"""A formal notice is produced as of the day it goes out (the ledger of that day), its copy
on screen and its PDF show the same content, and its status says what happened to it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from pypdf import PdfReader

from encaisse.core.templatetags.encaisse import money
from encaisse.dunning.models import (
    ActionState,
    DeliveryStatus,
    DunningAction,
    OutboundMessage,
)
from encaisse.dunning.services.decisions import approve_action
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import (
    ContactFactory,
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
)

PARIS = ZoneInfo("Europe/Paris")


def on(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=PARIS), tick=False)


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def euros(value: str) -> str:
    with translation.override("fr"):
        return flat(money(Decimal(value), "EUR"))


@pytest.fixture
def notice(dunning_ready, smtp_inbox, finance_fanny, rep_remi):
    """Three late invoices reminded by e-mail in March; the formal notice planned on 20 April;
    1,000 € paid on one of them on 25 April; finance approves on 28 April."""
    customer = CustomerFactory(
        entity=dunning_ready,
        name="André Agroalimentaire",
        segment="sme",
        sales_rep=rep_remi,
        address="5 rue du Port",
        postal_code="69007",
        city="Lyon",
    )
    ContactFactory(customer=customer, email="compta@andre.fr", phone="+33 6 12 34 56 78")
    invoices = [
        InvoiceFactory(
            customer=customer,
            number=number,
            issue_date=due - dt.timedelta(days=30),
            due_date=due,
            amount=Decimal(value),
        )
        for number, due, value in (
            ("FA-001", dt.date(2026, 2, 1), "2400.00"),
            ("FA-002", dt.date(2026, 3, 1), "1500.00"),
            ("FA-003", dt.date(2026, 3, 5), "800.00"),
        )
    ]
    with on(dt.date(2026, 3, 16)):
        execute_dunning_run(as_of=dt.date(2026, 3, 16))
        send_outbox()
    with on(dt.date(2026, 4, 20)):
        execute_dunning_run(as_of=dt.date(2026, 4, 20))
    payment = PaymentFactory(customer=customer, date=dt.date(2026, 4, 25), amount=Decimal(1000))
    allocate(invoice=invoices[0], amount=Decimal(1000), payment=payment)
    action = DunningAction.objects.get(step__key="formal_notice")
    assert action.state == ActionState.AWAITING_APPROVAL
    with on(dt.date(2026, 4, 28)):
        approve_action(action=action, approved_by=finance_fanny)
        send_outbox()
    return OutboundMessage.objects.get(channel="letter")


def test_the_notice_is_as_of_the_day_it_is_produced(notice):
    assert notice.facts["as_of"] == "2026-04-28"
    lines = {line["number"]: line for line in notice.facts["lines"]}
    assert lines["FA-001"]["open_amount"] == "1400.00"  # the payment of 25 April counts
    assert lines["FA-001"]["days_past_due"] == 86  # 28 April, not the run's 20 April
    assert lines["FA-003"]["days_past_due"] == 54
    text = flat(notice.body)
    assert "Malgré nos relances" in text  # all three were reminded in March
    assert "Elles sont échues depuis au moins 54 jours." in text
    assert euros("3700.00") in text  # 1 400 + 1 500 + 800
    assert "40,00 € par facture en retard (3), soit 120,00 €" in text


def test_the_copy_on_screen_and_the_pdf_show_the_same_letter(
    client, notice, finance_fanny, settings
):
    client.force_login(finance_fanny)
    page = flat(client.get(f"/dunning/messages/{notice.pk}/").content.decode())
    pdf = flat(
        " ".join(
            page_.extract_text()
            for page_ in PdfReader(
                io.BytesIO((Path(settings.DATA_DIR) / notice.document).read_bytes())
            ).pages
        )
    )
    figures = [
        "Mise en demeure de payer",
        "FA-001",
        "FA-002",
        "FA-003",
        euros("1400.00"),
        euros("3700.00"),
        "Elles sont échues depuis au moins 54 jours.",
        "Lettre recommandée avec accusé de réception",
        "28 avril 2026",
        notice.facts["payment_reference"],
        "5 rue du Port",
    ]
    for figure in figures:
        assert figure in page, figure
        assert figure.casefold() in pdf.casefold(), figure  # the PDF capitalises a line
    for days in ("86", "58", "54"):  # the table's days late, in both
        assert f">{days}<" in page
        assert f" {days} " in pdf


def test_a_generated_letter_is_not_said_sent_until_finance_posts_it(
    client, notice, finance_fanny, rep_remi
):
    assert notice.status == DeliveryStatus.GENERATED
    client.force_login(finance_fanny)
    assert "Generated, to print" in client.get(f"/dunning/messages/{notice.pk}/").content.decode()
    timeline = client.get(f"/customers/{notice.action.customer_id}/").content.decode()
    assert "Formal notice: Generated, to print" in timeline
    assert "Formal notice: Sent" not in timeline

    client.post("/dunning/letters/print.pdf", {"day": notice.sent_at.date().isoformat()})
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.PRINTED

    url = f"/dunning/messages/{notice.pk}/posted/"
    client.force_login(rep_remi)
    assert client.post(url, {"posted_on": "2026-04-28"}).status_code == 404
    client.force_login(finance_fanny)
    future = (notice.sent_at.date() + dt.timedelta(days=400)).isoformat()
    client.post(url, {"posted_on": future})
    notice.refresh_from_db()
    assert notice.posted_on is None  # refused: not in the future
    client.post(url, {"posted_on": notice.sent_at.date().isoformat(), "tracking_number": "1A 234"})
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.POSTED
    assert notice.posted_by == finance_fanny
    timeline = client.get(f"/customers/{notice.action.customer_id}/").content.decode()
    assert "Formal notice: Posted" in timeline
    assert "registered letter 1A 234" in timeline


def test_the_days_letters_are_recorded_posted_in_one_go(client, notice, finance_fanny):
    client.force_login(finance_fanny)
    day = notice.sent_at.date().isoformat()
    response = client.post("/dunning/letters/posted/", {"day": day, "posted_on": day})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.POSTED
    listed = client.get("/dunning/outbox/?state=posted").content.decode()
    assert "André Agroalimentaire" in listed
    assert "André" not in client.get("/dunning/outbox/?state=generated").content.decode()


def test_a_reminder_all_paid_before_it_goes_out_is_cancelled_not_sent(dunning_ready, smtp_inbox):
    customer = CustomerFactory(entity=dunning_ready, segment="sme")
    ContactFactory(customer=customer, email="c@client.fr")
    invoice = InvoiceFactory(customer=customer, due_date=dt.date(2026, 3, 1))
    with on(dt.date(2026, 3, 10)):
        execute_dunning_run(as_of=dt.date(2026, 3, 10))
    payment = PaymentFactory(customer=customer, date=dt.date(2026, 3, 10), amount=invoice.amount)
    allocate(invoice=invoice, amount=invoice.amount, payment=payment)
    with on(dt.date(2026, 3, 10)):
        send_outbox()
    action = DunningAction.objects.get()
    assert action.state == ActionState.CANCELLED
    assert action.status_label == "Cancelled: paid before it went out"
    assert smtp_inbox.messages == []


def test_a_run_for_a_later_day_goes_out_on_that_day(dunning_ready, smtp_inbox):
    customer = CustomerFactory(entity=dunning_ready, segment="sme")
    ContactFactory(customer=customer, email="c@client.fr")
    InvoiceFactory(customer=customer, due_date=dt.date(2026, 3, 1))
    with on(dt.date(2026, 3, 9)):
        execute_dunning_run(as_of=dt.date(2026, 3, 10))
        assert send_outbox().composed == 0  # tomorrow's reminder waits for tomorrow
    with on(dt.date(2026, 3, 10)):
        assert send_outbox().by_state == {"sent": 1}


def test_the_posting_form_offers_today_in_french_too(client, notice, finance_fanny):
    client.force_login(finance_fanny)
    with on(dt.date(2026, 4, 29)):
        page = client.get(
            f"/dunning/messages/{notice.pk}/", headers={"accept-language": "fr"}
        ).content.decode()
    assert "Généré, à imprimer" in page
    assert 'name="posted_on" value="2026-04-29"' in page  # the picker reads ISO dates only


def test_the_company_logo_heads_the_letter(entity, settings, tmp_path):
    import dataclasses

    from django.template.loader import render_to_string
    from PIL import Image

    from encaisse.dunning.composing.document import letter_document
    from encaisse.dunning.composing.facts import sample_facts
    from encaisse.ledger.services import set_legal_entity_logo

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (90, 30), (15, 82, 87)).save(buffer, format="PNG")
    set_legal_entity_logo(entity=entity, content=buffer.getvalue())
    facts = sample_facts("fr")
    facts = dataclasses.replace(
        facts, entity=dataclasses.replace(facts.entity, logo=entity.logo.name)
    )

    class Stored:
        language, subject, body, recipient = "fr", "Mise en demeure", "Madame,", "Client"

    html = render_to_string("dunning/letter.html", {"letter": letter_document(Stored(), facts)})
    assert '<img class="letter-logo" src="data:image/png;base64,' in html
