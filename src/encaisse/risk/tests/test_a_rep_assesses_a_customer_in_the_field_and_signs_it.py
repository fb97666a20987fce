"""A rep fills in the field assessment of one of his customers from its page and signs it;
the page then shows its score, its age and who signed; bad input changes nothing; no one
assesses a customer outside their portfolio."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from encaisse.core.dates import today
from encaisse.risk.assessment import (
    QUESTION_FIELDS,
    latest_assessment,
    latest_assessments,
    record_field_assessment,
)
from encaisse.risk.models_assessment import FieldAssessment

pytestmark = pytest.mark.django_db

ALL_GOOD = dict.fromkeys(QUESTION_FIELDS, "good")


def form_data(**changes: str) -> dict[str, str]:
    data = {**ALL_GOOD, "assessed_on": today().isoformat(), "certified": "on", "comment": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def url(customer) -> str:
    return f"/risk/customers/{customer.pk}/assessment/new/"


def test_the_customer_page_offers_the_assessment_and_the_form_asks_the_ten_questions(
    client, portfolios, rep_remi
):
    customer = portfolios["remi1"]
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="assessment-panel"' in page
    assert "Not assessed in the field yet." in page
    assert url(customer) in page  # the action bar's button and the panel's
    form = client.get(url(customer)).content.decode()
    for field in QUESTION_FIELDS:
        assert f'data-testid="question-{field}"' in form
    assert "What competitors say" in form
    assert "I certify that I made these observations myself" in form
    assert f'value="{today().isoformat()}"' in form  # the date picker starts on today


def test_the_rep_signs_and_the_page_shows_score_age_and_who(client, portfolios, rep_remi):
    customer = portfolios["remi1"]
    client.force_login(rep_remi)
    response = client.post(
        url(customer), form_data(commitments="poor", comment="Entrepôt plein, stock qui vieillit")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/#assessment"
    assessment = FieldAssessment.objects.get()
    assert (assessment.customer, assessment.assessed_by, assessment.signed_as) == (
        customer,
        rep_remi,
        "Rémi Commercial",
    )
    assert (assessment.score, assessment.commitments, assessment.assessed_on) == (
        85,
        "poor",
        today(),
    )
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Field assessment signed: score 85/100." in page
    assert 'data-testid="assessment-score"' in page
    assert "assessed today" in page
    assert "by Rémi Commercial" in page
    assert "Rarely" in page  # the answers, folded
    assert page.count("Field assessment: score 85/100") == 1  # on the timeline, once


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"market": None}, "market", "Choose an answer (or “don&#x27;t know”)."),
        ({"assessed_on": "2099-01-01"}, "assessed_on", "cannot be dated in the future"),
        ({"certified": None}, "certified", "Tick the box to sign the assessment."),
        ({"premises": "excellent"}, "premises", "Select a valid choice."),
        ({"assessed_on": "hier"}, "assessed_on", "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_recorded(
    client, portfolios, rep_remi, changes, field, message
):
    client.force_login(rep_remi)
    response = client.post(url(portfolios["remi1"]), form_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not FieldAssessment.objects.exists()


def test_an_assessment_that_knows_nothing_is_refused(client, portfolios, rep_remi):
    client.force_login(rep_remi)
    response = client.post(
        url(portfolios["remi1"]), form_data(**dict.fromkeys(QUESTION_FIELDS, "unknown"))
    )
    assert response.status_code == 400
    assert "answer at least one question" in response.content.decode()
    assert not FieldAssessment.objects.exists()


@pytest.mark.parametrize("who", ["rep_paul", "rep_sarah", "viewer_victor"])
def test_no_one_assesses_a_customer_outside_their_portfolio_nor_a_viewer(
    client, request, portfolios, who
):
    client.force_login(request.getfixturevalue(who))
    customer = portfolios["remi1"]
    assert client.get(url(customer)).status_code == 404
    assert client.post(url(customer), form_data()).status_code == 404
    assert not FieldAssessment.objects.exists()


def test_the_viewer_reads_the_assessment_without_the_button(
    client, portfolios, rep_remi, viewer_victor
):
    customer = portfolios["remi1"]
    record_field_assessment(
        customer=customer,
        assessed_by=rep_remi,
        assessed_on=today(),
        answers=ALL_GOOD,
        certified=True,
        today=today(),
    )
    client.force_login(viewer_victor)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "assessed today" in page
    assert url(customer) not in page


@pytest.mark.parametrize("who", ["manager_maud", "agency_manager_anna", "finance_fanny"])
def test_the_managers_over_the_rep_and_finance_may_assess(client, request, portfolios, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    assert client.post(url(portfolios["remi1"]), form_data()).status_code == 302
    assert FieldAssessment.objects.get().assessed_by == person


def test_a_signed_assessment_is_never_changed_and_a_new_one_supersedes_it(
    client, portfolios, rep_remi
):
    customer = portfolios["remi1"]
    with time_machine.travel(dt.date(2026, 3, 30), tick=False):
        first = record_field_assessment(
            customer=customer,
            assessed_by=rep_remi,
            assessed_on=dt.date(2026, 3, 30),
            answers=ALL_GOOD,
            certified=True,
            today=dt.date(2026, 3, 30),
        )
    first.score = 10
    with pytest.raises(ValueError, match="never changed"):
        first.save()
    with time_machine.travel(dt.date(2026, 11, 30), tick=False):
        client.force_login(rep_remi)
        client.post(url(customer), form_data(**dict.fromkeys(QUESTION_FIELDS, "fair")))
        page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert FieldAssessment.objects.count() == 2
    assert "1 previous assessment" in page
    latest = latest_assessment(customer, as_of=dt.date(2026, 11, 30))
    assert latest is not None
    assert (latest.score, latest.age_days, latest.assessed_by) == (48, 0, "Rémi Commercial")
    assert latest.answers["market"] == "fair"
    assert FieldAssessment.objects.get(pk=first.pk).score == 100


def test_the_latest_assessment_reads_as_plain_data_one_by_one_or_all_at_once(
    portfolios, rep_remi, rep_sarah
):
    from encaisse.ledger.models import Customer

    as_of = dt.date(2026, 11, 30)
    for customer, by, day, answer in (
        (portfolios["remi1"], rep_remi, dt.date(2026, 3, 30), "poor"),
        (portfolios["remi1"], rep_remi, dt.date(2026, 6, 1), "good"),
        (portfolios["sarah1"], rep_sarah, dt.date(2025, 11, 30), "fair"),
    ):
        record_field_assessment(
            customer=customer,
            assessed_by=by,
            assessed_on=day,
            answers=dict.fromkeys(QUESTION_FIELDS, answer),
            certified=True,
            today=as_of,
        )
    assert latest_assessment(portfolios["remi2"], as_of=as_of) is None
    everyone = latest_assessments(Customer.objects.all(), as_of=as_of)
    assert set(everyone) == {portfolios["remi1"].pk, portfolios["sarah1"].pk}
    remi = everyone[portfolios["remi1"].pk]
    assert (remi.score, remi.assessed_on, remi.age_days) == (100, dt.date(2026, 6, 1), 182)
    assert remi == latest_assessment(portfolios["remi1"], as_of=as_of)
    assert everyone[portfolios["sarah1"].pk].score == 48
