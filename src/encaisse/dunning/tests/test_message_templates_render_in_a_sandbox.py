"""No message template can reach a user, a password, a setting, a request or anything
outside the documented variables; rendering is bounded in time and size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from encaisse.dunning.composing.facts import OpenInvoice, invoice_lines, sample_facts
from encaisse.dunning.composing.sandbox import (
    MAX_ITERATIONS,
    TemplateRefused,
    check_template,
    render_template,
)
from encaisse.dunning.composing.variables import FORLOOP, MESSAGE_VARIABLES, template_context
from encaisse.dunning.models import (
    ActionState,
    DunningAction,
    MessageState,
    MessageTemplate,
    OutboundMessage,
)
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.services.setup import TEMPLATE_FILES, read_template_file
from encaisse.ledger.tests.factories import ContactFactory, CustomerFactory, InvoiceFactory

HOSTILE = [
    "{{ customer.sales_rep.password }}",
    "{{ customer.sales_rep.manager.password }}",
    "{{ customer.entity.customers }}",
    "{{ customer.pk }}",
    "{{ contact.customer.sales_rep }}",
    "{{ invoices.0.invoice.customer.sales_rep.password }}",
    "{{ user.password }}",
    "{{ request.user }}",
    "{{ settings.SECRET_KEY }}",
    "{{ view }}",
    "{{ customer.__class__ }}",
    "{{ customer.name.__class__.__mro__ }}",
    "{{ today.year }}",
    "{{ total_due_amount.real }}",
    "{{ customer.name.upper }}",
    "{{ invoices }}",
    "{{ invoices.clear }}",
    "{% debug %}",
    "{% load static %}{% get_static_prefix %}",
    '{% include "base.html" %}',
    '{% extends "base.html" %}',
    "{% url 'login' %}",
    "{% csrf_token %}",
    "{% lorem 100000 w %}",
    "{% now 'Y' %}",
    "{% widthratio 1 1 100000000 %}",
    "{% for a in invoices %}{% for b in invoices %}x{% endfor %}{% endfor %}",
    "{% for x in customer %}{% endfor %}",
    "{% for a, b in invoices %}{% endfor %}",
    '{{ contact_name|ljust:"100000000" }}',
    '{{ contact_name|stringformat:"100000000s" }}',
    '{{ total_due_amount|floatformat:"1000000" }}',
    "{{ contact_name|safe }}",
    "{{ contact_name|default:customer.sales_rep.password }}",
    '{% if customer.sales_rep.password == "x" %}x{% endif %}',
    "{% with rep=customer.sales_rep %}{{ rep.password }}{% endwith %}",
    "{% firstof customer.sales_rep.password %}",
    "{% firstof contact_name as x %}{{ x }}",
    "{{ forloop.parentloop }}",
    # Found by trying to break it (a list's repr, time, memory, crashes):
    '{{ invoices|default:"" }}',
    "{{ invoices|upper }}",
    "{{ customer.siret|default:invoices }}",
    "{% with x=invoices|default:0 %}{{ x }}{% endwith %}",
    '{% for i in invoices %}{{ forloop|default:"" }}{% endfor %}',
    '{% for i in invoices|default:"" %}{% endfor %}',
    '{{ today|date:"r" }}',
    '{{ today|date:"H" }}',
    "{{ today|date:customer.name }}",
    '{{ today|date:"SHORT_DATETIME_FORMAT" }}',
    '{% with a="' + "l" * 5000 + '" %}{% if today|date:a %}{% endif %}{% endwith %}',
    '{{ customer.name|truncatechars:"x" }}',
    "{{ customer.name|truncatechars:-5 }}",
    '{{ customer.name|upper:"a" }}',
    "{% endif %}",
    "{% comment %}{% comment %}{% endcomment %}{% endcomment %}",
    "{{ invoices.-1.number }}",
    "{% if 1 %}" * 300 + "x" + "{% endif %}" * 300,
    "{% with a=1 %}" * 300 + "{{ a }}" + "{% endwith %}" * 300,
    "{% if 1 %}" * 2400,
    "{% if " + "not " * 500 + "1 %}x{% endif %}",
    "{% if 1" + " or 1" * 1000 + " %}x{% endif %}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_template_is_refused_before_it_renders(text):
    problems = check_template(text)
    assert problems, text
    with pytest.raises(TemplateRefused):
        render_template(text, template_context(sample_facts("fr")))


def test_the_refusal_names_the_variable_and_lists_what_exists():
    (problem,) = check_template("Bonjour\n{{ customer.sales_rep.password }}")
    assert problem.startswith("line 2: “customer.sales_rep” does not exist")
    for field in MESSAGE_VARIABLES["customer"].fields:
        assert f"“{field}”" in problem
    (problem,) = check_template("{{ password }}")
    assert "“password” is not a variable a message can use" in problem
    assert "“total_due”" in problem
    (problem,) = check_template("{% load static %}")
    assert "the tag {% load %} is not available" in problem


@pytest.mark.parametrize(
    "path",
    [f"{name}" for name, v in MESSAGE_VARIABLES.items() if not v.is_list]
    + [f"{name}.{field}" for name, v in MESSAGE_VARIABLES.items() for field in v.fields],
)
def test_every_documented_variable_renders(path):
    assert check_template("{{ " + path + " }}") == []
    render_template("{{ " + path + " }}", template_context(sample_facts("fr")))


def test_each_invoice_field_reads_in_the_loop():
    fields = MESSAGE_VARIABLES["invoices"].item.fields
    text = "{% for invoice in invoices %}" + "|".join(
        "{{ invoice." + field + " }}" for field in fields
    )
    text += "{{ forloop.counter }}{% empty %}none{% endfor %}"
    assert check_template(text) == []
    rendered = render_template(text, template_context(sample_facts("en")))
    assert "F-2026-0117" in rendered
    assert "F-2026-0152" in rendered


NAMES = [*MESSAGE_VARIABLES, "user", "request", "settings", "password", "sales_rep", "view"]
FIELDS = [
    *{field for v in MESSAGE_VARIABLES.values() for field in v.fields},
    *MESSAGE_VARIABLES["invoices"].item.fields,
    "password",
    "sales_rep",
    "manager",
    "entity",
    "customer",
    "invoice",
    "pk",
    "objects",
    "all",
    "upper",
    "year",
    "0",
    "1",
    "SECRET_KEY",
]


def _resolved(lookup: str, scope: dict):
    """What a lookup reaches in the documented list, or None."""
    name, *fields = lookup.split(".")
    known = scope.get(name)
    for bit in fields:
        if known is None:
            return None
        known = known.item if known.is_list and bit.isdigit() else known.fields.get(bit)
    return known


@hypothesis_settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    paths=st.lists(
        st.tuples(st.sampled_from(NAMES), st.lists(st.sampled_from(FIELDS), max_size=3)),
        min_size=1,
        max_size=4,
    ),
    in_loop=st.booleans(),
)
def test_a_template_renders_only_when_every_name_is_documented(paths, in_loop):
    """Whatever names and fields a template chains, it is accepted exactly when each one is
    documented, and then its output holds no secret."""
    lookups = [".".join([name, *fields]) for name, fields in paths]
    body = " ".join("{{ " + lookup + " }}" for lookup in lookups)
    scope = dict(MESSAGE_VARIABLES)
    if in_loop:
        body = (
            "{% for invoice in invoices %}"
            + body.replace("invoices.", "invoice.")
            + ("{% endfor %}")
        )
        lookups = [lookup.replace("invoices.", "invoice.") for lookup in lookups]
        scope = {**scope, "invoice": MESSAGE_VARIABLES["invoices"].item, "forloop": FORLOOP}
    # Accepted exactly when each lookup is documented and is not a whole list printed.
    expected = all(
        (known := _resolved(lookup, scope)) is not None and known.is_printable for lookup in lookups
    )
    problems = check_template(body)
    assert (problems == []) == expected, (body, problems)
    if not problems:
        output = render_template(body, template_context(sample_facts("fr")))
        assert settings.SECRET_KEY not in output
        assert "pbkdf2" not in output
        assert "object at 0x" not in output


def test_every_shipped_template_is_accepted_in_both_languages():
    paths = sorted(TEMPLATE_FILES.glob("*/*.txt"))
    assert len(paths) == 10
    for path in paths:
        subject, body = read_template_file(path)
        assert check_template(subject) == [], path
        assert check_template(body) == [], path


def _many_invoices(count: int):
    facts = sample_facts("fr")
    invoices = [
        OpenInvoice(f"F-{n:06d}", dt.date(2026, 1, 1), dt.date(2026, 2, 1), Decimal("10.00"), "EUR")
        for n in range(count)
    ]
    lines = invoice_lines(invoices, as_of=facts.as_of, interest_rate=facts.interest_rate)
    return template_context(facts.__class__(**{**vars(facts), "lines": lines}))


def test_a_loop_cannot_take_the_servers_time():
    context = _many_invoices(MAX_ITERATIONS + 1)
    with pytest.raises(TemplateRefused, match="run more than"):
        render_template("{% for invoice in invoices %}.{% endfor %}", context)


def test_text_repeated_cannot_fill_the_memory():
    text = '{% with a="' + "x" * 9000 + '" %}' + "{{ a }}" * 400 + "{% endwith %}"
    assert check_template(text) == []
    with pytest.raises(TemplateRefused, match="longer than"):
        render_template(text, template_context(sample_facts("fr")))


def test_a_comment_holds_anything():
    text = "{% comment %}{% load static %}{{ x|safe }}{% endcomment %}ok"
    assert render_template(text, template_context(sample_facts("fr"))) == "ok"


def test_a_message_cannot_grow_without_bound():
    context = _many_invoices(2000)  # a 2,000-line table, printed once per invoice
    with pytest.raises(TemplateRefused, match="longer than"):
        render_template("{% for invoice in invoices %}{{ invoice_table }}{% endfor %}", context)


def test_the_old_attack_sends_nothing_and_says_why(dunning_ready, smtp_inbox, rep_remi, settings):
    """The exploit of issue 7: a finance user edits a template to print the rep's password
    hash; with a template stored before the sandbox, composing refuses it."""
    settings.DATA_DIR.joinpath("mail").mkdir(exist_ok=True)
    customer = CustomerFactory(entity=dunning_ready, sales_rep=rep_remi, segment="sme")
    ContactFactory(customer=customer, email="compta@client.fr")
    InvoiceFactory(customer=customer, due_date=dt.date(2026, 3, 1), issue_date=dt.date(2026, 1, 30))
    MessageTemplate.objects.filter(key="reminder_1").update(
        body="Hash: {{ customer.sales_rep.password }} / {{ customer.sales_rep.manager.password }}"
    )
    execute_dunning_run(as_of=dt.date(2026, 3, 10))
    assert send_outbox().by_state == {}
    message = OutboundMessage.objects.get()
    assert message.state == MessageState.FAILED
    assert "customer.sales_rep" in message.last_error
    assert rep_remi.password not in message.body
    assert smtp_inbox.messages == []
    assert DunningAction.objects.get().state == ActionState.PLANNED  # waits, not dropped


def test_the_editor_refuses_the_attack_with_the_variables_available(
    client, finance_fanny, dunning_ready
):
    template = MessageTemplate.objects.get(key="reminder_1", language="fr")
    client.force_login(finance_fanny)
    response = client.post(
        f"/dunning/templates/{template.pk}/edit/",
        {"subject": "Relance", "body": "{{ customer.sales_rep.password }}"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“customer.sales_rep” does not exist" in page
    assert "“external_id”" in page
    template.refresh_from_db()
    assert "password" not in template.body


def test_rendered_messages_are_text_and_pages_escape_them(client, finance_fanny, dunning_ready):
    template = MessageTemplate.objects.get(key="reminder_1", language="fr")
    client.force_login(finance_fanny)
    page = client.post(
        f"/dunning/templates/{template.pk}/preview/",
        {"subject": "x", "body": "<img src=x onerror=alert(1)>{{ customer.name }}"},
    ).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;Dupont &amp; Fils" in page
    # The text itself is not HTML-escaped: "Dupont & Fils" goes out as written.
    context = template_context(sample_facts("fr"))
    assert render_template("{{ customer.name }}", context) == "Dupont & Fils"


def test_the_documentation_lists_every_variable_and_field():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[4] / "docs" / "message-templates.md").read_text()
    for name, variable in MESSAGE_VARIABLES.items():
        assert f"`{name}`" in docs, name
        fields = variable.item.fields if variable.item is not None else variable.fields
        for field in fields:
            assert f"`{field}`" in docs or f"`.{field}`" in docs or f"`{name}.{field}`" in docs, (
                field
            )
