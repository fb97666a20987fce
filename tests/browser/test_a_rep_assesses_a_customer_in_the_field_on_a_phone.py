"""A sales rep at a customer's, on his phone: from the customer page he opens the field
assessment, taps an answer to each of the ten questions, ticks the box to sign, and sees the
score and "assessed today" on the customer page."""

from __future__ import annotations

import pytest

from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from encaisse.risk.assessment import QUESTION_FIELDS
from encaisse.risk.models_assessment import FieldAssessment
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the rep taps: one chip per question (the radio's value).
TAPS = {**dict.fromkeys(QUESTION_FIELDS, "good"), "commitments": "fair", "market": "unknown"}


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_rep_fills_the_assessment_on_a_phone_and_sees_its_score(
    phone_page, live_server, entity, rep_remi, lyon
):
    customer = CustomerFactory(
        entity=entity, sales_rep=rep_remi, agency=lyon, name="Béton Express", segment="key_account"
    )
    InvoiceFactory(customer=customer, number="FA-1")
    page = phone_page
    customer_url = f"/customers/{customer.pk}/"
    log_in(page, live_server, "remi", customer_url)
    panel = page.get_by_test_id("assessment-panel")
    panel.scroll_into_view_if_needed()
    assert panel.get_by_test_id("assessment-due").is_visible()  # a key account never assessed
    screenshot(page, "customer-assessment-panel-phone")

    panel.get_by_test_id("assess").click()
    form = page.get_by_test_id("assessment-form")
    form.wait_for()
    assert _fits_the_phone(page)
    page.get_by_test_id("sign-assessment").click()  # nothing ticked: refused, nothing saved
    page.get_by_test_id("form-errors").wait_for()
    assert page.get_by_test_id("field-error").count() == len(QUESTION_FIELDS) + 1
    assert not FieldAssessment.objects.exists()

    for field, value in TAPS.items():
        chip = page.locator(f'label[for="a-{field}-{value}"]')
        box = chip.bounding_box()
        assert box is not None
        assert box["height"] >= 44  # a thumb's target
        chip.tap()
    page.locator("#id_certified").check()
    assert _fits_the_phone(page)
    screenshot(page, "field-assessment-form-phone")
    page.get_by_test_id("sign-assessment").click()
    page.wait_for_url(f"{live_server.url}{customer_url}*")

    assessment = FieldAssessment.objects.get()
    assert (assessment.commitments, assessment.market, assessment.score) == ("fair", "unknown", 91)
    panel = page.get_by_test_id("assessment-panel")
    panel.scroll_into_view_if_needed()
    assert panel.get_by_test_id("assessment-score").inner_text() == "91"
    age = panel.get_by_test_id("assessment-age")
    assert age.get_attribute("data-age-days") == "0"
    # The page is in French; until the French catalogue has the new sentence, in English.
    assert age.inner_text() in {"évalué aujourd\u2019hui", "assessed today"}
    assert panel.get_by_test_id("assessment-due").count() == 0
    assert _fits_the_phone(page)
    screenshot(page, "field-assessment-signed-phone")
