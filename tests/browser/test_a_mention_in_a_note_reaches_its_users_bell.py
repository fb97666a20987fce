"""On a phone, Rémi writes a note on his customer's page and mentions his manager, picked
from the list that opens when he types @; Maud logs in, sees it on her bell, and follows the
notification to the note."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Note, NoteMention
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mention_picked_from_the_list_reaches_the_bell_and_leads_to_the_note(
    browser, live_server, portfolios, rep_remi, manager_maud, rep_paul, jobs_run_inline
):
    customer = portfolios["remi1"]
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "remi", f"/customers/{customer.pk}/")

    box = page.get_by_test_id("note-form").locator("textarea")
    box.scroll_into_view_if_needed()
    box.click()
    box.press_sequentially("Ils contestent le prix, @ma")
    options = page.get_by_test_id("mention-option")
    options.first.wait_for()
    assert options.count() == 1  # Maud only: Paul does not see this customer
    assert "Maud Manager" in options.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "note-mention-list-phone")
    options.first.tap()
    assert box.input_value() == "Ils contestent le prix, @maud "
    box.press_sequentially("peux-tu appeler leur DAF ?")
    page.get_by_test_id("note-form").get_by_role("button").click()
    page.get_by_test_id("note").first.wait_for()
    note = Note.objects.get()
    assert note.body == "Ils contestent le prix, @maud peux-tu appeler leur DAF ?"
    assert list(NoteMention.objects.values_list("user__username", flat=True)) == ["maud"]
    assert page.get_by_test_id("note-form").locator("textarea").input_value() == ""
    assert "peux-tu appeler leur DAF" in page.get_by_test_id("note-body").first.inner_text()
    screenshot(page, "note-saved-phone")
    context.close()

    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "maud", "/notifications/")
    assert page.get_by_test_id("unread-count").inner_text().strip().startswith("1")
    notification = page.get_by_test_id("notification").first
    assert "Client Rémi 1" in notification.inner_text()
    screenshot(page, "note-mention-notification-phone")
    notification.get_by_role("button").first.click()  # the notification itself, not "Mark as read"
    page.wait_for_url(f"**/customers/{customer.pk}/#note-{note.pk}")
    target = page.locator(f"#note-{note.pk}")
    assert target.is_visible()
    assert "peux-tu appeler leur DAF" in target.inner_text()
    assert page.get_by_test_id("unread-count").count() == 0  # read on the way
    screenshot(page, "note-from-notification-phone")
    context.close()


def test_the_author_changes_then_withdraws_a_note_on_a_phone(
    phone_page, live_server, portfolios, rep_remi
):
    from encaisse.collaboration.notes import write_note

    customer = portfolios["remi1"]
    note = write_note(customer=customer, author=rep_remi, body="Ils paient *vendredi*.")
    page = phone_page
    log_in(page, live_server, "remi", f"/customers/{customer.pk}/")
    item = page.locator(f"#note-{note.pk}")
    assert item.locator("em").inner_text() == "vendredi"
    item.get_by_test_id("note-change").locator("summary").click()
    item.locator("textarea").fill("Ils paient *lundi*.")
    item.get_by_role("button").first.click()
    page.locator(f"#note-{note.pk} em", has_text="lundi").wait_for()
    note.refresh_from_db()
    assert note.body == "Ils paient *lundi*."
    item = page.locator(f"#note-{note.pk}")
    item.get_by_test_id("note-change").locator("summary").click()
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button").nth(1).click()
    page.get_by_test_id("note-withdrawn").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "note-withdrawn-phone")
    note.refresh_from_db()
    assert note.is_withdrawn
    assert [r.body for r in note.revisions.all()] == [
        "Ils paient *vendredi*.",
        "Ils paient *lundi*.",
    ]
