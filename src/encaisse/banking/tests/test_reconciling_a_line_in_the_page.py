"""Finance reconciles the queue in a few clicks: pick the customer, tick, confirm."""

from __future__ import annotations

from decimal import Decimal

import pytest

from encaisse.banking.models import BankLine, CustomerIban, LineStatus, MatchMethod
from encaisse.banking.tests.conftest import CAMT, entry, import_bank
from encaisse.ledger.models import Invoice, Payment

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def queue(ledger):
    import_bank(CAMT)
    return {
        "garage": BankLine.objects.get(bank_reference="0503260001234569"),
        "dupont": BankLine.objects.get(bank_reference="0503260001234570"),
    }


def test_the_queue_lists_what_is_left_with_suggestions(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    page = client.get("/bank/reconciliation/").content.decode()
    assert "2 credits to reconcile, €1,310.00 in all" in page
    assert "GARAGE DES QUAIS" in page
    assert "M. JEAN DUPONT" in page
    assert "LOGISTIQUE BELLEVILLE SARL" in page  # among the lines matched automatically
    assert "Garage des Quais" in page  # the customer the import found by name
    assert 'href="/bank/lines/' in page


def test_a_line_suggests_invoices_of_its_amount_and_close_names(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    card = client.get(f"/bank/lines/{queue['garage'].pk}/", **HTMX).content.decode()
    assert "<html" not in card  # a fragment for HTMX
    assert "invoice FA-2026-0120 is open for this amount" in card
    assert "name close to “GARAGE DES QUAIS”" in card
    page = client.get(f"/bank/lines/{queue['garage'].pk}/").content.decode()  # without HTMX
    assert "<html" in page
    assert 'href="/bank/reconciliation/"' in page


def test_choosing_a_customer_lists_its_open_invoices_ticking_the_named_one(
    client, finance_fanny, ledger, camt
):
    import_bank(camt(entry("800.00", name="ARNAUD MENUISERIE", text="SOLDE FA-2026-0130")))
    line = BankLine.objects.get(amount=Decimal("800.00"))
    client.force_login(finance_fanny)
    card = client.get(
        f"/bank/lines/{line.pk}/?customer={ledger['C004'].pk}", **HTMX
    ).content.decode()
    invoice = Invoice.objects.get(number="FA-2026-0130")
    assert f'value="{invoice.pk}" id="line-{line.pk}-inv-{invoice.pk}" checked' in card
    assert "Confirm" in card


def test_confirming_letters_the_ticked_invoices_and_learns_the_iban(
    client, finance_fanny, ledger, queue
):
    client.force_login(finance_fanny)
    line = queue["dupont"]
    invoice = Invoice.objects.get(number="FA-2026-0130")
    response = client.post(
        f"/bank/lines/{line.pk}/reconcile/",
        {"customer": ledger["C004"].pk, "invoices": [invoice.pk]},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Allocated to Menuiserie Arnaud: FA-2026-0130." in response.content.decode()
    line.refresh_from_db()
    assert (line.status, line.match_method, line.reconciled_by) == (
        LineStatus.MATCHED, MatchMethod.MANUAL, finance_fanny,
    )  # fmt: skip
    payment = line.payment
    assert (payment.customer, payment.amount, payment.unallocated_amount) == (
        ledger["C004"], Decimal("350.00"), Decimal("0.00"),
    )  # fmt: skip
    assert Invoice.objects.get(number="FA-2026-0130").open_amount == Decimal("430.00")
    assert CustomerIban.objects.get(iban="FR7630006000011234567890189").customer == ledger["C004"]
    # Next time, the same IBAN names the customer.
    assert "M. JEAN DUPONT" not in client.get("/bank/reconciliation/").content.decode()


def test_the_customer_guessed_by_the_import_can_be_corrected(client, finance_fanny, ledger, queue):
    client.force_login(finance_fanny)
    line = queue["garage"]
    invoice = Invoice.objects.get(number="FA-2026-0130")
    client.post(
        f"/bank/lines/{line.pk}/reconcile/",
        {"customer": ledger["C004"].pk, "invoices": [invoice.pk]},
    )
    line.refresh_from_db()
    assert line.payment.customer == ledger["C004"]
    assert Payment.objects.filter(customer=ledger["C003"]).count() == 0


def test_the_two_invoices_of_the_same_amount_one_ticked(client, finance_fanny, ledger, queue):
    client.force_login(finance_fanny)
    line = queue["garage"]
    second = Invoice.objects.get(number="FA-2026-0121")
    response = client.post(
        f"/bank/lines/{line.pk}/reconcile/",
        {"customer": ledger["C003"].pk, "invoices": [second.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == "/bank/reconciliation/"
    assert Invoice.objects.get(number="FA-2026-0121").open_amount == 0
    assert Invoice.objects.get(number="FA-2026-0120").open_amount == Decimal("960.00")


def test_not_a_customer_payment_leaves_the_queue_and_drops_its_payment(
    client, finance_fanny, queue
):
    client.force_login(finance_fanny)
    line = queue["garage"]
    payment_pk = line.payment_id
    response = client.post(f"/bank/lines/{line.pk}/ignore/", **HTMX)
    assert "Marked as not a customer payment." in response.content.decode()
    line.refresh_from_db()
    assert (line.status, line.match_method, line.payment) == (
        LineStatus.IGNORED, MatchMethod.NOT_A_CUSTOMER, None,
    )  # fmt: skip
    assert not Payment.objects.filter(pk=payment_pk).exists()
    assert client.get(f"/bank/lines/{line.pk}/").status_code == 404  # no longer in the queue


def test_searching_another_customer(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    results = client.get(
        f"/bank/lines/{queue['dupont'].pk}/customers/?q=menuis", **HTMX
    ).content.decode()
    assert "Menuiserie Arnaud" in results
    assert "Garage des Quais" not in results


def test_a_customer_of_another_legal_entity_cannot_be_chosen(client, finance_fanny, queue):
    from encaisse.ledger.tests.factories import CustomerFactory, LegalEntityFactory

    other = CustomerFactory(entity=LegalEntityFactory(code="OTHER"), name="Autre société")
    client.force_login(finance_fanny)
    line = queue["dupont"]
    assert client.get(f"/bank/lines/{line.pk}/?customer={other.pk}").status_code == 404
    assert (
        client.post(f"/bank/lines/{line.pk}/reconcile/", {"customer": other.pk}).status_code == 404
    )


def test_the_page_is_in_french_for_a_french_user(client, finance_fanny, queue):
    client.force_login(finance_fanny)
    client.cookies["django_language"] = "fr"
    page = client.get("/bank/reconciliation/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1\u202f310,00\u00a0€" in page  # CLDR: narrow no-break space in thousands


def test_confirming_without_a_ticked_invoice_asks_first(client, finance_fanny, ledger, queue):
    client.force_login(finance_fanny)
    line = queue["garage"]
    url = f"/bank/lines/{line.pk}/reconcile/"
    card = client.post(url, {"customer": ledger["C003"].pk}, **HTMX).content.decode()
    assert "Tick the invoices this payment settles" in card
    line.refresh_from_db()
    assert line.status == LineStatus.TO_RECONCILE
    client.post(url, {"customer": ledger["C003"].pk, "on_account": "1"}, **HTMX)
    line.refresh_from_db()
    assert line.status == LineStatus.MATCHED
    assert line.payment.unallocated_amount == Decimal("960.00")
