"""Rémi chose French, Fanny English: what Encaisse writes to each (the notification in the
app and its e-mail, through a real SMTP server on loopback) is in their language, whoever
caused it and whatever language the page that caused it was in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from encaisse.collaboration.models import Notification, TaskKind
from encaisse.collaboration.services import create_task
from encaisse.dunning.services.decisions import request_hold
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(rep_remi, finance_fanny, lyon):
    rep_remi.language, finance_fanny.language = "fr", "en"
    rep_remi.save(update_fields=["language"])
    finance_fanny.save(update_fields=["language"])
    customer = CustomerFactory(sales_rep=rep_remi, agency=lyon, name="Garage Rémi")
    InvoiceFactory(
        customer=customer,
        number="FA-1",
        amount=Decimal("1234.50"),
        due_date=dt.date(2026, 2, 1),
    )
    return rep_remi, finance_fanny, customer


def test_a_task_for_remi_and_a_hold_for_fanny_each_in_their_language(
    people, smtp_inbox, jobs_run_inline, django_capture_on_commit_callbacks
):
    remi, fanny, customer = people
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        # Asked from an English page, assigned to Rémi: written in French for him.
        create_task(
            customer=customer,
            kind=TaskKind.CALL,
            title="Appeler après deux relances",
            due_on=dt.date(2026, 3, 5),
            invoices=list(customer.invoices.all()),
            assignee=remi,
        )
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        # Asked by Rémi from a French page: written in English for Fanny.
        request_hold(
            customer=customer,
            invoices=list(customer.invoices.all()),
            reason="Avoir en cours",
            hold_until=dt.date(2026, 3, 20),
            requested_by=remi,
            today=dt.date(2026, 3, 5),
        )

    remis = Notification.objects.get(recipient=remi)
    assert remis.title == "Appeler Garage Rémi : 1 facture, 1\u202f234,50\u00a0€ en retard"
    fannys = Notification.objects.get(recipient=fanny)
    assert fannys.title == "Hold requested for Garage Rémi until 03/20/2026"

    mails = {str(message["To"]): message for message in smtp_inbox.messages}
    assert set(mails) == {"remi@example.com", "fanny@example.com"}
    french = mails["remi@example.com"]
    assert str(french["Subject"]).strip() == remis.title
    assert french.get_content().startswith("Bonjour Rémi,")
    assert "Ouvrir dans Encaisse" in french.get_content()
    english = mails["fanny@example.com"]
    assert str(english["Subject"]).strip() == fannys.title
    assert english.get_content().startswith("Hello Fanny,")
    assert "Open it in Encaisse:" in english.get_content()
