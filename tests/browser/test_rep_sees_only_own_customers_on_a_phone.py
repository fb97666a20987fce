"""A sales rep on a phone logs in and finds only the customers of their portfolio."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_logs_in_on_a_phone_and_sees_only_their_customers(
    phone_page, live_server, portfolios, rep_remi
):
    page = phone_page
    page.goto(f"{live_server.url}/customers/")
    assert "/login/" in page.url
    assert page.get_by_role("button", name="Se connecter").is_visible()  # French browser
    page.get_by_label("Identifiant ou e-mail").fill("remi@example.com")
    page.get_by_label("Mot de passe").fill("secret-pass-42")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/customers/")

    cards = page.get_by_test_id("customer-card")
    assert cards.count() == 2
    text = " ".join(cards.all_inner_texts())
    assert "Client Rémi 1" in text
    assert "Client Rémi 2" in text
    assert "Paul" not in page.content()
    assert "Sarah" not in page.content()
    screenshot(page, "rep-customers-phone")
    # Comfortable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_placeholder("Nom, compte, SIREN, ville…").fill("Rémi 2")
    page.wait_for_function("document.querySelectorAll('[data-testid=customer-card]').length === 1")
    cards.first.click()
    page.wait_for_url("**/customers/*/")
    assert page.get_by_role("heading", name="Client Rémi 2").is_visible()
    assert page.get_by_test_id("open-items").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "rep-customer-detail-phone")
