"""The field assessment's score: one table of points, "don't know" left out."""

from __future__ import annotations

import pytest

from encaisse.core.errors import BadInput
from encaisse.risk.assessment import (
    QUESTION_FIELDS,
    QUESTIONS,
    answer_label,
    assessed_ago,
    assessment_score,
)
from encaisse.risk.models_assessment import Answer


def answers(default: str, **given: str) -> dict[str, str]:
    return {field: given.get(field, default) for field in QUESTION_FIELDS}


def test_the_ten_questions_of_the_issue_are_asked_in_one_table_worth_100_points() -> None:
    assert QUESTION_FIELDS == (
        "premises",
        "management",
        "commitments",
        "atmosphere",
        "staff_turnover",
        "price_sensitivity",
        "long_terms",
        "discounts",
        "competitors",
        "market",
    )
    assert sum(question.points[0] for question in QUESTIONS) == 100
    for question in QUESTIONS:
        good, fair, poor = question.points
        assert good > fair > poor == 0, question.field


def test_all_good_is_100_and_all_poor_is_0() -> None:
    assert assessment_score(answers(Answer.GOOD)) == 100
    assert assessment_score(answers(Answer.POOR)) == 0


def test_a_poor_answer_costs_that_questions_points() -> None:
    assert assessment_score(answers(Answer.GOOD, commitments=Answer.POOR)) == 85
    assert assessment_score(answers(Answer.GOOD, commitments=Answer.FAIR)) == 92
    assert assessment_score(answers(Answer.GOOD, price_sensitivity=Answer.POOR)) == 93


def test_dont_know_counts_neither_for_nor_against() -> None:
    # Only commitments known, "average": 7 of its 15 points.
    only_commitments = answers(Answer.UNKNOWN, commitments=Answer.FAIR)
    assert assessment_score(only_commitments) == round(100 * 7 / 15)
    # Premises unknown: the 90 other points, all earned.
    assert assessment_score(answers(Answer.GOOD, premises=Answer.UNKNOWN)) == 100


def test_an_assessment_that_knows_nothing_is_refused() -> None:
    with pytest.raises(BadInput, match="at least one question"):
        assessment_score(answers(Answer.UNKNOWN))


@pytest.mark.parametrize("bad", ["", "excellent"])
def test_a_missing_or_unknown_answer_is_refused_naming_the_question(bad: str) -> None:
    with pytest.raises(BadInput, match=r"^market: choose an answer"):
        assessment_score(answers(Answer.GOOD, market=bad))


def test_each_question_words_the_scale_in_its_own_terms() -> None:
    turnover = next(q for q in QUESTIONS if q.field == "staff_turnover")
    assert answer_label(turnover, Answer.GOOD) == "Low"
    assert answer_label(turnover, Answer.POOR) == "High"
    assert answer_label(turnover, Answer.UNKNOWN) == "Don't know"


@pytest.mark.parametrize(
    ("assessed_on", "said"),
    [
        ("2026-11-30", "assessed today"),
        ("2026-11-29", "assessed yesterday"),
        ("2026-11-18", "assessed 12 days ago"),
        ("2026-10-30", "assessed 1 month ago"),
        ("2026-03-31", "assessed 7 months ago"),
        ("2026-03-30", "assessed 8 months ago"),
        ("2025-11-30", "assessed 12 months ago"),
        ("2024-11-30", "assessed 2 years ago"),
    ],
)
def test_the_age_of_an_assessment_reads_naturally(assessed_on: str, said: str) -> None:
    import datetime as dt

    assert assessed_ago(dt.date.fromisoformat(assessed_on), as_of=dt.date(2026, 11, 30)) == said
