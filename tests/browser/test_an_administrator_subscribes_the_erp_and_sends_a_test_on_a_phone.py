"""An administrator, on a phone, subscribes the ERP to blocked customers, sends a test
event from the subscription's page and sees it delivered in the log; the receiver (a real
HTTP server on loopback) got it signed with the secret the page shows."""

from __future__ import annotations

import pytest

from encaisse.webhooks.tests.conftest import documented_verify, receiver  # noqa: F401 (fixtures)
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_subscribes_the_erp_and_sends_a_test_on_a_phone(
    phone_page,
    live_server,
    admin_alice,
    receiver,  # noqa: F811 (the imported fixture)
    documented_verify,  # noqa: F811
    settings,
):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    page = phone_page
    page.goto(f"{live_server.url}/integrations/webhooks/")
    page.get_by_label("Identifiant ou e-mail").fill("alice@example.com")
    page.get_by_label("Mot de passe").fill("secret-pass-42")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/integrations/webhooks/")

    page.get_by_test_id("new-subscription").click()
    form = page.get_by_test_id("subscription-form")
    form.locator("input[name=name]").fill("ERP commandes")
    form.locator("input[name=url]").fill(receiver.url)
    form.locator("input[value='customer.blocked']").check()
    form.locator("input[value='customer.unblocked']").check()
    screenshot(page, "webhook-subscription-form-phone")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/integrations/webhooks/*/")

    page.locator("summary", has_text="secret").first.click()
    secret = page.get_by_test_id("secret").inner_text().strip()
    assert secret.startswith("whsec_")

    page.get_by_test_id("ping").click()
    page.wait_for_url("**/integrations/webhooks/deliveries/*/")
    for _ in range(50):
        if page.locator("[data-status=delivered]").count():
            break
        page.wait_for_timeout(200)
        page.reload()
    assert page.locator("[data-status=delivered]").count() == 1
    screenshot(page, "webhook-delivery-phone")

    [request] = receiver.received
    assert request.headers["X-Encaisse-Event"] == "ping"
    assert documented_verify(secret, request.headers, request.body)
