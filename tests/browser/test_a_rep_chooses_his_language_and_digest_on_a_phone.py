"""On his phone, Rémi opens My preferences from the user menu, chooses English and one
e-mail a day: the pages are in English from then on, whatever his phone's language."""

from __future__ import annotations

import pytest

from encaisse.accounts.models import NotificationDelivery
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rep_switches_to_english_and_a_daily_digest(phone_page, live_server, rep_remi):
    page = phone_page  # a French phone
    log_in(page, live_server, "remi", "/my-day/")
    assert page.locator("h1").inner_text() == "Ma journée"

    page.get_by_role("button", name="Menu").click()
    page.get_by_test_id("current-user").click()
    page.get_by_test_id("my-preferences").click()
    page.wait_for_url(f"{live_server.url}/preferences/")
    form = page.get_by_test_id("preferences-form")
    form.get_by_label("Langue").select_option("en")
    form.get_by_label("Un e-mail par jour", exact=False).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "preferences-phone")
    form.locator("button[type=submit]").click()

    page.get_by_text("Your preferences are saved.").wait_for()
    rep_remi.refresh_from_db()
    assert (rep_remi.language, rep_remi.notification_delivery) == (
        "en",
        NotificationDelivery.DAILY_DIGEST,
    )
    page.goto(f"{live_server.url}/my-day/")
    assert page.locator("h1").inner_text() == "My day"
