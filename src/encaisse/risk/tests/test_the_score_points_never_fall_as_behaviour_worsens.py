"""The rule book of the score is pure: a factor's points never fall as its value worsens,
and the score stays within 0-100 whatever the points."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from encaisse.risk.score import MAX_SCORE, POINTS, points_for, score_of

values = st.one_of(st.integers(-1000, 100_000), st.floats(-1000, 100_000, allow_nan=False))


@given(name=st.sampled_from(sorted(POINTS)), a=values, b=values)
def test_a_worse_value_never_earns_fewer_risk_points(name, a, b):
    low, high = sorted((a, b))
    assert points_for(name, low) <= points_for(name, high)


@given(name=st.sampled_from(sorted(POINTS)), value=values)
def test_a_factor_earns_between_none_and_its_most(name, value):
    assert 0 <= points_for(name, value) <= POINTS[name].most


@given(points=st.lists(st.integers(0, 60), max_size=20), extra=st.integers(0, 60))
def test_the_score_is_bounded_and_never_falls_when_a_factor_earns_more(points, extra):
    score = score_of(points)
    assert 0 <= score <= MAX_SCORE
    if points:
        worse = [points[0] + extra, *points[1:]]
        assert score_of(worse) >= score


def test_nothing_measured_earns_nothing():
    assert all(points_for(name, None) == 0 for name in POINTS)
    assert points_for("not a factor", 1000) == 0
    assert score_of([]) == 0


def test_a_table_read_like_the_rule_book():
    assert points_for("days_past_due_3m", 5) == 0
    assert points_for("days_past_due_3m", 6) == 3
    assert points_for("days_past_due_3m", 61) == 15
    assert points_for("returned_payments", 1) == 8
    assert points_for("exposure_vs_limit", 100) == 5
    assert points_for("exposure_vs_limit", 100.1) == 10
