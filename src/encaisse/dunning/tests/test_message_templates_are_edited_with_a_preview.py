"""Finance edits the message templates beside the variables they may use and a live preview."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.core.errors import BadInput
from encaisse.dunning.composing.variables import MESSAGE_VARIABLES, template_context
from encaisse.dunning.models import ActionItem, DunningAction, MessageTemplate, Step
from encaisse.dunning.services.outbox import message_facts
from encaisse.dunning.services.scenarios import (
    preview_message_template,
    save_message_template,
    template_variables,
)
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory


@pytest.fixture
def reminder(db):
    return MessageTemplate.objects.create(
        key="reminder_1",
        language="fr",
        subject="Relance : {{ total_due }}",
        body="Bonjour {{ contact_name }},\n\n{{ invoice_table }}\n",
    )


def test_everyone_signed_in_reads_the_list_and_only_finance_gets_the_edit_links(
    client, rep_remi, finance_fanny, reminder
):
    client.force_login(rep_remi)
    page = client.get("/dunning/templates/").content.decode()
    assert "reminder_1" in page
    assert "Relance : {{ total_due }}" in page
    assert "/edit/" not in page
    client.force_login(finance_fanny)
    page = client.get("/dunning/templates/").content.decode()
    assert f"/dunning/templates/{reminder.pk}/edit/" in page


def test_the_edit_page_lists_the_variables_and_previews_with_a_sample_customer(
    client, finance_fanny, reminder
):
    client.force_login(finance_fanny)
    page = client.get(f"/dunning/templates/{reminder.pk}/edit/").content.decode()
    for variable in ("total_due", "invoice_table", "contact_name", "payment_reference"):
        assert f"{{{{ {variable} }}}}" in page
    assert "Bonjour Marie Martin" in page  # the preview, rendered with the sample context
    assert "F-2026-0117" in page


def test_the_variables_listed_are_those_of_a_real_message(db, entity):
    customer = CustomerFactory(entity=entity)
    invoice = InvoiceFactory(customer=customer)
    step = Step(key="x", offset_days=1, channel="email", position=1)
    action = DunningAction(customer=customer, step=step, planned_for=dt.date(2026, 3, 1))
    item = ActionItem(action=action, invoice=invoice, open_amount=Decimal(10), days_past_due=3)
    facts = message_facts(action, [item], as_of=dt.date(2026, 3, 4), language="fr", reminded=set())
    real = template_context(facts)
    listed = template_variables()
    assert [variable.name for variable in listed] == list(real) == list(MESSAGE_VARIABLES)
    assert all(variable.help for variable in listed)
    invoices = next(variable for variable in listed if variable.name == "invoices")
    assert [name for name, _help in invoices.fields] == list(vars(real["invoices"][0]))


def test_finance_saves_subject_and_body(client, finance_fanny, reminder):
    client.force_login(finance_fanny)
    response = client.post(
        f"/dunning/templates/{reminder.pk}/edit/",
        {"subject": "Rappel {{ payment_reference }}", "body": "Cher {{ contact_name }}"},
    )
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.subject == "Rappel {{ payment_reference }}"
    assert reminder.body == "Cher {{ contact_name }}"


def test_a_template_that_does_not_render_is_refused_with_the_error(client, finance_fanny, reminder):
    client.force_login(finance_fanny)
    response = client.post(
        f"/dunning/templates/{reminder.pk}/edit/",
        {"subject": "Relance", "body": "{% if total_due %}Bonjour"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This template cannot be sent" in page
    assert "line 1: the tag {% if %} is never closed." in page
    assert "Traceback" not in page
    reminder.refresh_from_db()
    assert reminder.body.startswith("Bonjour {{ contact_name }}")


def test_the_preview_renders_as_typed(client, finance_fanny, reminder):
    client.force_login(finance_fanny)
    response = client.post(
        f"/dunning/templates/{reminder.pk}/preview/",
        {"subject": "Total {{ total_due }}", "body": "{{ customer.name }} / {{ invoice_count }}"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dupont &amp; Fils / 2" in page
    assert "Total 2 455,50" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "<html" not in page  # a fragment for HTMX, not a page


def test_the_preview_shows_markup_as_text(client, finance_fanny, reminder):
    client.force_login(finance_fanny)
    response = client.post(
        f"/dunning/templates/{reminder.pk}/preview/",
        {"subject": "<b>x</b>", "body": "<script>alert(1)</script>"},
    )
    page = response.content.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_the_preview_of_a_syntax_error_is_a_clear_message(client, finance_fanny, reminder):
    client.force_login(finance_fanny)
    response = client.post(
        f"/dunning/templates/{reminder.pk}/preview/",
        {"subject": "", "body": "Bonjour {{ contact_name|nosuchfilter }}"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="preview-error"' in page
    assert "line 1: the filter “nosuchfilter” is not available in a message" in page
    assert "Traceback" not in page


def test_preview_and_save_in_the_service(db, reminder):
    assert preview_message_template(subject="{{ today|date:'Y' }}", body="").subject.isdigit()
    with pytest.raises(BadInput, match=r"the tag \{% bad %\} is not available"):
        save_message_template(template=reminder, subject="{% bad %}", body="x")


@pytest.mark.parametrize("who", ["rep_remi", "viewer_victor"])
def test_only_finance_may_change_or_preview_a_template(client, request, who, reminder):
    client.force_login(request.getfixturevalue(who))
    data = {"subject": "Hacked", "body": "Hacked"}
    assert client.post(f"/dunning/templates/{reminder.pk}/edit/", data).status_code == 403
    assert client.post(f"/dunning/templates/{reminder.pk}/preview/", data).status_code == 403
    assert client.get(f"/dunning/templates/{reminder.pk}/edit/").status_code == 404
    reminder.refresh_from_db()
    assert reminder.subject == "Relance : {{ total_due }}"
