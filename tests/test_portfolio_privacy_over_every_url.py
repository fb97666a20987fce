"""A sales rep walks every URL of the project and never meets a customer outside their portfolio.

The walk is generic: every route is collected from the URL resolver; a route with
parameters is tried with the id of every row, of every model with a customer, that belongs
to another rep's customers (invoices, payments, dunning actions, messages, disputes,
holds...); a route without is read with every query parameter the project knows (search,
filters, groupings, exports). A new URL or a new model is covered the day it is added.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from encaisse.ledger.tests.factories import PaymentFactory

QUERY_VARIANTS = [
    "",
    "?q=Paul",
    "?q=PAUL",
    "?q=F-paul",
    "?q=Client",
    "?overdue=on",
    "?sort=-outstanding",
    "?sort=name",
    "?page=2",
    "?segment=sme",
    "?agency={agency_pk}",
    "?rep={rep_pk}",
    "?by=customer",
    "?by=rep",
    "?by=agency",
    "?by=segment",
    "?by=total",
    "?by=customer&rep=paul",
    "?by=customer&agency=MRS",
    "?by=rep&segment=sme",
    "?as_of=2027-01-31&by=customer",
    "?export=csv&by=customer",
    "?export=json&by=customer",
    "?export=xlsx&by=customer",
    "?export=csv&by=rep&rep=paul",
    "?export=json&by=agency&agency=MRS",
    "?format=csv",
    "?breach=amount&format=csv",
]


def _routes(patterns=None, prefix: str = "") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


def _body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an xlsx workbook: read the shared strings and sheets
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return " ".join(
                workbook.read(name).decode()
                for name in workbook.namelist()
                if name.endswith(".xml")
            )
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def pauls_secrets(portfolios, rep_paul, settings, tmp_path):
    """Paul's customers with everything the project records about a customer."""
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    for index in (1, 2):
        PaymentFactory(customer=portfolios[f"paul{index}"], reference=f"VIR-paul-{index}")
    _install_dunning()
    _record_everything(portfolios, rep_paul)
    _rate_and_insure_paul(portfolios, rep_paul)
    _bank_statement_paying_paul(portfolios, tmp_path)
    return [
        "Client Paul",
        "PAUL-1",
        "PAUL-2",
        "F-paul-1",
        "F-paul-2",
        "VIR-paul-1",
        "VIR-paul-2",
        "BANK-PAUL-1",
        "FR7610107001011234567890129",
        "Paul Sud",
        "Agence Marseille",
        "accord-paul-sud",
        "notation-paul-sud",
        "assureur-paul-sud",
    ]


def _install_dunning():
    from encaisse.dunning.services.setup import install_shipped_dunning

    install_shipped_dunning()


def _record_everything(portfolios, rep_paul):
    import datetime as dt

    from encaisse.collaboration.notes import write_note
    from encaisse.collaboration.services import create_task, open_dispute, record_promise
    from encaisse.dunning.services.decisions import request_hold
    from encaisse.dunning.services.outbox import send_outbox
    from encaisse.dunning.services.runs import execute_dunning_run

    execute_dunning_run(as_of=dt.date(2026, 2, 10))
    send_outbox()
    paul1, paul2 = portfolios["paul1"], portfolios["paul2"]
    today = dt.date(2026, 2, 11)
    open_dispute(  # owned by Paul: his name is in its history and on the disputes pages
        customer=paul1,
        invoices=list(paul1.invoices.all()),
        reason="price",
        opened_on=today,
        owner=rep_paul,
    )
    record_promise(
        customer=paul2,
        invoices=list(paul2.invoices.all()),
        recorded_on=today,
        promised_for=today + dt.timedelta(days=5),
    )
    create_task(  # a call in Paul's day, and the notification that told him
        customer=paul1,
        kind="call",
        title="Call Client Paul 1 about F-paul-1",
        due_on=today,
        invoices=list(paul1.invoices.all()),
        assignee=rep_paul,
    )
    write_note(  # a note about an invoice, that mentions Paul
        customer=paul1,
        author=rep_paul,
        body="Client Paul 1 pays F-paul-1 on Friday, @paul",
        invoice=paul1.invoices.first(),
    )
    from encaisse.collaboration.terms import TermsDocument, propose_terms

    propose_terms(  # special terms Paul agreed, with the signed document
        customer=paul2,
        proposed_by=rep_paul,
        today=today,
        kind="extended_due_date",
        extra_days=30,
        note="Paul agreed 30 more days",
        document=TermsDocument(content=b"%PDF-1.4\n%%EOF\n", name="accord-paul-sud.pdf"),
    )
    request_hold(
        customer=paul2,
        invoices=list(paul2.invoices.all()),
        reason="Paul knows",
        hold_until=today + dt.timedelta(days=10),
        requested_by=rep_paul,
        today=today,
    )
    from encaisse.risk.assessment import QUESTION_FIELDS, record_field_assessment

    record_field_assessment(  # Paul's field assessment, signed with his name
        customer=paul1,
        assessed_by=rep_paul,
        assessed_on=today,
        answers=dict.fromkeys(QUESTION_FIELDS, "fair"),
        certified=True,
        today=today,
        comment="Paul saw Client Paul 1's warehouse",
    )

    _block_paul(portfolios)
    _limits_of_pauls_customers(paul1, paul2, rep_paul, today)
    from encaisse.ledger.models import Payment
    from encaisse.ledger.services import record_payment_return
    from encaisse.risk.tasks import score_customers_task

    record_payment_return(  # returned: a weak signal that names VIR-paul-1
        payment=Payment.objects.get(reference="VIR-paul-1"), returned_on=today, reference="RET-P1"
    )
    score_customers_task.run(as_of=today.isoformat())  # scores, snapshots, weak signals


def _rate_and_insure_paul(portfolios, rep_paul):
    """Ratings of Paul's customer (a downgrade told to Paul) and a cover ending soon."""
    import datetime as dt
    from decimal import Decimal

    from encaisse.core.dates import today
    from encaisse.risk.models import CreditRating
    from encaisse.risk.ratings import record_cover
    from encaisse.risk.ratings_alerts import mark_and_tell_downgrades

    paul1, paul2 = portfolios["paul1"], portfolios["paul2"]
    CreditRating.objects.create(
        customer=paul1, source="notation-paul-sud", rated_on=dt.date(2026, 1, 5), score=80
    )
    later = CreditRating.objects.create(
        customer=paul1, source="notation-paul-sud", rated_on=dt.date(2026, 2, 5), score=40
    )
    mark_and_tell_downgrades(ratings=[later])
    record_cover(
        customer=paul2,
        recorded_by=rep_paul,
        insurer="assureur-paul-sud",
        amount=Decimal("100"),
        kind="temporary",
        expires_on=today() + dt.timedelta(days=10),
        today=today(),
    )


def _block_paul(portfolios):
    """Paul's first customer blocked (with a request to unblock it), his second unblocked."""
    from django.test import override_settings

    from encaisse.ledger.tests.factories import UserFactory
    from encaisse.risk.blocking import block_customer, unblock_customer

    finance = UserFactory(username="fiona", role="finance")
    block_customer(customer=portfolios["paul2"], reason="Client Paul 2 unpaid", by=finance)
    unblock_customer(customer=portfolios["paul2"], by=finance, reason="Client Paul 2 paid")
    block_customer(customer=portfolios["paul1"], reason="Client Paul 1 unpaid", by=finance)
    with override_settings(ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL=True):
        unblock_customer(customer=portfolios["paul1"], by=finance, reason="Client Paul 1 paid")


def _limits_of_pauls_customers(paul1, paul2, rep_paul, today):
    """Paul 1 over its limits (amount and days), alerts given; a limit Paul asked for Paul 2,
    countered by finance, and another one pending."""
    import datetime as dt
    from decimal import Decimal

    from encaisse.accounts.models import Role
    from encaisse.ledger.tests.factories import UserFactory
    from encaisse.risk.limit_alerts import alert_limit_crossings
    from encaisse.risk.limit_changes import LimitsEdit, change_limits
    from encaisse.risk.limit_requests import decide_limit_request, request_limit

    finance = UserFactory(username="fabien", role=Role.FINANCE)
    change_limits(
        customer=paul1,
        edit=LimitsEdit(
            credit_limit=Decimal("500.00"),
            temporary_limit=Decimal("600.00"),
            temporary_until=today + dt.timedelta(days=20),
            oldest_days_limit=1,
            uninvoiced_orders=Decimal("250.00"),
        ),
        changed_by=finance,
        today=today,
    )
    alert_limit_crossings(as_of=today)
    asked = request_limit(
        customer=paul2,
        requested_by=rep_paul,
        amount=Decimal("90000.00"),
        justification="Paul Sud opens a depot",
        today=today,
    )
    decide_limit_request(
        request=asked,
        decided_by=finance,
        decision="countered",
        amount=Decimal("70000.00"),
        note="Paul Sud: 70k first",
        today=today,
    )
    request_limit(
        customer=paul1,
        requested_by=rep_paul,
        amount=Decimal("1000.00"),
        justification="Paul Sud again",
        today=today,
    )


def _bank_statement_paying_paul(portfolios, tmp_path):
    """A statement whose credits pay Paul's invoices: bank lines and a learned IBAN."""
    from encaisse.banking.services import import_bank_statement
    from encaisse.banking.tests.conftest import entry

    invoice = portfolios["paul1"].invoices.get()
    path = tmp_path / "releve-paul.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-02-12T06:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>PAUL-STMT</Id><CreDtTm>2026-02-12T06:00:00</CreDtTm>"
        "<Acct><Id><IBAN>FR7630004000031234567890143</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + entry(
            str(invoice.open_amount),
            name="Client Paul 1",
            iban="FR7610107001011234567890129",
            text=f"REGLEMENT {invoice.number}",
            reference="BANK-PAUL-1",
            booked="2026-02-11",
        )
        + entry("123.45", name="Client Paul 2 SA", text="ACOMPTE", booked="2026-02-11")
        + "</Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    assert import_bank_statement(path=path).ok


def _foreign_ids(customers) -> list[int]:
    """The ids of every row, of every model with a customer, that belongs to ``customers``."""
    from django.apps import apps

    from encaisse.ledger.models import Customer

    ids = {customer.pk for customer in customers}
    for model in apps.get_models():
        field = next(
            (
                f
                for f in model._meta.get_fields()
                if f.name == "customer" and getattr(f, "related_model", None) is Customer
            ),
            None,
        )
        if field is not None and field.concrete:
            ids |= set(model.objects.filter(customer__in=customers).values_list("pk", flat=True))
    from encaisse.dunning.models import OutboundMessage

    ids |= set(
        OutboundMessage.objects.filter(action__customer__in=customers).values_list("pk", flat=True)
    )
    from encaisse.banking.models import BankLine

    ids |= set(
        BankLine.objects.filter(payment__customer__in=customers).values_list("pk", flat=True)
    )
    return sorted(ids)


@pytest.mark.parametrize("viewer", ["rep_remi", "manager_maud", "agency_manager_anna"])
def test_no_one_sees_a_customer_outside_their_portfolio_on_any_url(
    client, request, viewer, portfolios, rep_paul, marseille, pauls_secrets
):
    client.force_login(request.getfixturevalue(viewer))
    foreign = [portfolios["paul1"], portfolios["paul2"]]
    candidates = _foreign_ids(foreign)
    from encaisse.dunning.models import OutboundMessage

    assert OutboundMessage.objects.filter(action__customer__in=foreign).exists()
    from encaisse.banking.models import BankLine, CustomerIban

    assert BankLine.objects.filter(payment__customer__in=foreign).exists()
    assert CustomerIban.objects.filter(customer__in=foreign).exists()
    checked = []
    for route in _routes():
        if route.startswith("admin/"):
            continue  # staff only: see test_admin_site_is_closed_to_reps
        if "<" in route:
            urls = ["/" + re.sub(r"<(?:(\w+):)?(\w+)>", str(pk), route) for pk in candidates]
            variants = ["", "?export=csv"]
        else:
            urls = ["/" + route]
            variants = QUERY_VARIANTS
        for url in urls:
            for variant in variants:
                target = url + variant.format(agency_pk=marseille.pk, rep_pk=rep_paul.pk)
                checked.append(target)
                _assert_nothing_leaks(client.get(target), target, pauls_secrets)
    assert len(checked) > 100


def _assert_nothing_leaks(response, url, secrets):
    if response.status_code in (301, 302):
        location = response["Location"]
        assert location.startswith("/"), f"{url} redirects off-site"
        assert not any(secret in location for secret in secrets)
        return
    if response.status_code in (404, 405):
        return
    assert response.status_code == 200, f"{url}: {response.status_code}"
    text = _body_text(response)
    for secret in secrets:
        assert secret not in text, f"{url} shows {secret!r}"


def test_rep_gets_404_not_403_for_another_reps_customer(client, portfolios, rep_remi):
    client.force_login(rep_remi)
    assert client.get(f"/customers/{portfolios['paul1'].pk}/").status_code == 404
    assert client.get(f"/customers/{portfolios['remi1'].pk}/").status_code == 200


def test_rep_sees_own_customers_in_list_search_and_exports(client, portfolios, rep_remi):
    client.force_login(rep_remi)
    listing = client.get("/customers/").content.decode()
    assert "Client Rémi 1" in listing
    assert "Client Rémi 2" in listing
    assert "Client Sarah" not in listing
    assert "REMI-1" in client.get("/reports/aged-balance/?export=csv&by=customer").content.decode()


def test_admin_site_is_closed_to_reps(client, portfolios, rep_remi):
    client.force_login(rep_remi)
    response = client.get("/admin/ledger/customer/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_visitor_is_sent_to_login_everywhere(client, portfolios):
    for url in (
        "/",
        "/customers/",
        f"/customers/{portfolios['paul1'].pk}/",
        "/reports/aged-balance/?export=csv",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
