"""A sales rep walks every URL of the project and never meets a customer outside their portfolio.

The walk is generic: every route is collected from the URL resolver, its parameters are
filled with the ids of another rep's customer, invoice and payment, and each page that
answers is read with every query parameter the project knows (search, filters, groupings,
exports). A new URL is covered the day it is added.
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
]


def _routes(patterns=None, prefix: str = "") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


def _fill(route: str, ids: dict[str, object]) -> str | None:
    """A concrete URL for a route, with the foreign ids; None for regex routes of the admin."""
    if route.startswith("^") or "(?P" in route:
        return None
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(ids.get(m.group(2), ids["pk"])), route)


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
def pauls_secrets(portfolios, rep_paul):
    for index in (1, 2):
        PaymentFactory(customer=portfolios[f"paul{index}"], reference=f"VIR-paul-{index}")
    return [
        "Client Paul",
        "PAUL-1",
        "PAUL-2",
        "F-paul-1",
        "F-paul-2",
        "VIR-paul-1",
        "VIR-paul-2",
        "Paul Sud",
        "Agence Marseille",
    ]


def test_rep_never_sees_a_customer_outside_the_portfolio_on_any_url(
    client, portfolios, rep_remi, rep_paul, marseille, pauls_secrets
):
    client.force_login(rep_remi)
    foreign = portfolios["paul1"]
    ids = {
        "pk": foreign.pk,
        "customer_id": foreign.pk,
        "object_id": foreign.pk,
        "invoice_id": foreign.invoices.first().pk,
        "payment_id": foreign.payments.first().pk,
        "external_id": foreign.external_id,
        "app_label": "ledger",
        "model_name": "customer",
    }
    checked = []
    for route in _routes():
        url = _fill(route, ids)
        if url is None:
            continue
        for variant in QUERY_VARIANTS:
            query = variant.format(agency_pk=marseille.pk, rep_pk=rep_paul.pk)
            response = client.get(url + query)
            checked.append(url + query)
            if response.status_code in (301, 302):
                location = response["Location"]
                assert location.startswith("/"), f"{url + query} redirects off-site"
                assert not any(secret in location for secret in pauls_secrets)
                continue
            if response.status_code in (404, 405):
                continue
            assert response.status_code == 200, f"{url + query}: {response.status_code}"
            text = _body_text(response)
            for secret in pauls_secrets:
                assert secret not in text, f"{url + query} shows {secret!r}"
    assert len(checked) > 50


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
