"""On a phone, Rémi keeps a page open: a notification that arrives meanwhile shows on the
bell without a reload (the bell asks again when the tab is seen again, and every minute);
a tap on the bell lists it, a tap on it opens what it is about and reads it."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Notification
from encaisse.collaboration.services import notify
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_notification_reaches_the_bell_of_an_open_page(
    phone_page, live_server, rep_remi, portfolios, jobs_run_inline
):
    page = phone_page
    log_in(page, live_server, "remi", "/customers/")
    assert page.get_by_test_id("unread-count").count() == 0
    customer = portfolios["remi1"]

    notify(
        recipient=rep_remi,
        title="Paiement reçu de Client Rémi 1",
        url=f"/customers/{customer.pk}/",
        customer=customer,
    )
    # What the browser does when the person comes back to the tab (and every minute).
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.get_by_test_id("unread-count").wait_for()
    assert page.get_by_test_id("unread-count").inner_text().strip().startswith("1")
    assert page.url == f"{live_server.url}/customers/"  # no reload, no navigation

    page.get_by_test_id("notification-bell").click()
    item = page.get_by_test_id("bell-notification")
    item.wait_for()
    assert "Paiement reçu de Client Rémi 1" in item.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.get_by_test_id("notification-menu").bounding_box()
    assert box["x"] >= 0  # the whole menu on the screen
    assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "bell-menu-phone")

    item.click()
    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")
    assert Notification.objects.get(recipient=rep_remi).read_at is not None
    assert page.get_by_test_id("unread-count").count() == 0
