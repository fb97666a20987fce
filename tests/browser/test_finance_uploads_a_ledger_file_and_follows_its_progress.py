"""Finance uploads a French Excel invoice export, follows the progress bar, reads the report."""

from __future__ import annotations

import pytest

from encaisse.imports.samples import write_french_customers, write_french_invoices
from encaisse.imports.services import import_file
from encaisse.ledger.models import Invoice
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 40_000
CUSTOMERS = 400


def test_finance_uploads_invoices_and_follows_the_progress_to_the_report(
    desktop_page, live_server, finance_fanny, tmp_path
):
    customers = write_french_customers(tmp_path / "clients.csv", CUSTOMERS)
    assert import_file(kind="customers", path=customers, entity="BENCH", create_missing=True).ok
    invoices = write_french_invoices(tmp_path / "factures.csv", ROWS, customers=CUSTOMERS)

    page = desktop_page
    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_label("Identifiant ou e-mail").fill("fanny@example.com")
    page.get_by_label("Mot de passe").fill("secret-pass-42")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/imports/new/")
    page.locator("#id_kind").select_option("invoices")
    page.locator("#id_file").set_input_files(str(invoices))
    screenshot(page, "import-upload-form")
    page.get_by_role("button", name="Importer", exact=True).click()

    page.wait_for_url("**/imports/*/")
    progress = page.get_by_role("progressbar")  # the bar's track: visible even at 0 %
    progress.wait_for(state="visible")
    screenshot(page, "import-progress")
    report = page.get_by_test_id("import-report")
    report.wait_for(state="visible", timeout=120_000)
    assert page.get_by_test_id("import-message").is_visible()
    assert f"{ROWS:,}".replace(",", "") in page.inner_text("[data-testid=import-report]").replace(
        "\u202f", ""
    ).replace(" ", "").replace("\xa0", "")
    screenshot(page, "import-report")
    assert Invoice.objects.count() == ROWS
