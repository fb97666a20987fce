"""Finance sets a bank line aside on the reconciliation page: the header's count drops at
once, without a reload (the HTMX answer swaps the header out of band)."""

from __future__ import annotations

import pytest

from encaisse.banking.tests.conftest import CAMT, import_bank, ledger  # noqa: F401 (fixture)
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_count_drops_when_a_line_is_set_aside(
    desktop_page,
    live_server,
    finance_fanny,
    ledger,  # noqa: F811 (the imported fixture)
):
    assert import_bank(CAMT).ok
    page = desktop_page
    page.goto(f"{live_server.url}/bank/reconciliation/")
    page.get_by_label("Identifiant ou e-mail").fill("fanny@example.com")
    page.get_by_label("Mot de passe").fill("secret-pass-42")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/bank/reconciliation/")
    summary = page.get_by_test_id("queue-summary")
    assert summary.inner_text().startswith("2 crédits à rapprocher")

    card = page.get_by_test_id("bank-line").filter(has_text="GARAGE DES QUAIS")
    card.get_by_test_id("ignore").click()
    page.get_by_test_id("bank-line-done").wait_for(state="visible")
    page.wait_for_function(
        "document.querySelector('[data-testid=queue-summary]').innerText"
        ".startsWith('1 crédit à rapprocher')"
    )
    assert page.get_by_test_id("queue-summary").count() == 1  # swapped, not added
    screenshot(page, "reconciliation-after-a-click")
