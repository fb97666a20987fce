"""Everything one may do about a customer starts from its page, on a phone too: a note, a
promise, a call, a dispute, a hold, special terms; and, on each open invoice, a promise, a
dispute or terms for that invoice. Each link opens a page that works; a read-only viewer
gets none of them."""

from __future__ import annotations

import re

from django.urls import reverse

ACTIONS = re.compile(r'href="([^"]+)" data-testid="customer-action">([^<]+)<')
INVOICE_ACTIONS = re.compile(r'href="([^"]+)" data-testid="invoice-action">([^<]+)<')


def _page(client, user, customer):
    client.force_login(user)
    response = client.get(reverse("customer-detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_rep_finds_every_action_on_the_customer_page(client, portfolios, rep_remi):
    customer = portfolios["remi1"]
    page = _page(client, rep_remi, customer)
    actions = {label.strip(): href for href, label in ACTIONS.findall(page)}
    assert list(actions)[:6] == [
        "Note",
        "Promise to pay",
        "Call",
        "Dispute",
        "Hold",
        "Special terms",
    ]
    assert "Field assessment" in actions
    assert "Blocking" not in actions  # finance's
    for label, href in actions.items():
        path, _, anchor = href.partition("#")
        if anchor:
            assert f'id="{anchor}"' in page, label  # a panel of this page
        if path:
            assert client.get(path).status_code == 200, label
    invoice = customer.invoices.get()
    links = INVOICE_ACTIONS.findall(page)
    assert [label for _href, label in links] == ["Promise", "Dispute", "Terms"]
    for href, label in links:
        assert href.endswith(f"?invoice={invoice.pk}")
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, label
        assert invoice.number in response.content.decode(), label


def test_finance_finds_them_too(client, portfolios, finance_fanny):
    page = _page(client, finance_fanny, portfolios["paul1"])
    labels = [label.strip() for _href, label in ACTIONS.findall(page)]
    assert {"Note", "Promise to pay", "Call", "Dispute", "Hold", "Special terms"} <= set(labels)
    assert "Blocking" in labels


def test_a_read_only_viewer_gets_no_action(client, portfolios, viewer_victor):
    page = _page(client, viewer_victor, portfolios["remi1"])
    assert not ACTIONS.findall(page)
    assert not INVOICE_ACTIONS.findall(page)
