"""The header of the reconciliation page counts what is left after each click, without a
reload: the HTMX answer carries the header again, swapped out of band."""

from __future__ import annotations

import re

import pytest

from encaisse.banking.models import BankLine
from encaisse.banking.tests.conftest import CAMT, import_bank
from encaisse.ledger.models import Invoice

HTMX = {"HTTP_HX_REQUEST": "true"}
SUMMARY = re.compile(r'<div [^>]*id="queue-summary"[^>]*>.*?</div>', re.DOTALL)


@pytest.fixture
def queue(ledger):
    import_bank(CAMT)
    return {
        "garage": BankLine.objects.get(bank_reference="0503260001234569"),
        "dupont": BankLine.objects.get(bank_reference="0503260001234570"),
    }


def summaries(html: str) -> list[str]:
    return SUMMARY.findall(html)


def test_the_page_renders_the_header_in_place_not_out_of_band(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    [summary] = summaries(client.get("/bank/reconciliation/").content.decode())
    assert "2 credits to reconcile, €1,310.00 in all" in summary
    assert "hx-swap-oob" not in summary


def test_ignoring_a_line_sends_the_header_with_one_credit_less(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    answer = client.post(f"/bank/lines/{queue['garage'].pk}/ignore/", **HTMX).content.decode()
    assert "Marked as not a customer payment." in answer
    [summary] = summaries(answer)
    assert 'hx-swap-oob="true"' in summary
    assert "1 credit to reconcile, €350.00" in summary


def test_reconciling_a_line_sends_the_header_with_what_is_left(
    client, finance_fanny, ledger, queue
):
    client.force_login(finance_fanny)
    invoice = Invoice.objects.get(number="FA-2026-0130")
    answer = client.post(
        f"/bank/lines/{queue['dupont'].pk}/reconcile/",
        {"customer": ledger["C004"].pk, "invoices": [invoice.pk]},
        **HTMX,
    ).content.decode()
    [summary] = summaries(answer)
    assert 'hx-swap-oob="true"' in summary
    assert "1 credit to reconcile, €960.00" in summary


def test_a_card_refused_with_an_error_still_carries_the_current_header(
    client, finance_fanny, ledger, queue
):
    client.force_login(finance_fanny)
    answer = client.post(
        f"/bank/lines/{queue['garage'].pk}/reconcile/", {"customer": ledger["C003"].pk}, **HTMX
    ).content.decode()
    assert "Tick the invoices this payment settles" in answer
    [summary] = summaries(answer)
    assert "2 credits to reconcile, €1,310.00 in all" in summary


def test_opening_a_card_does_not_resend_the_header(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    card = client.get(f"/bank/lines/{queue['garage'].pk}/", **HTMX).content.decode()
    assert summaries(card) == []


def test_without_htmx_a_click_redirects_to_the_page_as_before(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    response = client.post(f"/bank/lines/{queue['garage'].pk}/ignore/")
    assert (response.status_code, response["Location"]) == (302, "/bank/reconciliation/")
