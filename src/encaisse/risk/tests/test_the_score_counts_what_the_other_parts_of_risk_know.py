"""The score counts what the other parts of risk know: the agency's rating, the rep's field
assessment, the exposure against the limit in force (orders not yet invoiced and a
temporary limit included), a days limit crossed, and the exposure above the insurance
cover."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from encaisse.risk.assessment import QUESTION_FIELDS, record_field_assessment
from encaisse.risk.limit_changes import LimitsEdit, change_limits
from encaisse.risk.models import CreditRating
from encaisse.risk.ratings import record_cover
from encaisse.risk.scoring import score_customers

AS_OF = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def factors_of(customer) -> dict[str, tuple]:
    (scored,) = score_customers(as_of=AS_OF, customer_ids=[customer.pk]).customers
    return {f["name"]: (f["value"], f["points"]) for f in scored.factors}


@pytest.fixture
def customer(entity, rep_remi):
    customer = CustomerFactory(entity=entity, sales_rep=rep_remi, external_id="C-7")
    InvoiceFactory(
        customer=customer,
        issue_date=AS_OF - dt.timedelta(days=70),
        due_date=AS_OF - dt.timedelta(days=40),
        amount=Decimal("1000.00"),
    )
    return customer


def test_a_customer_nothing_is_known_of_has_those_factors_unmeasured(customer):
    factors = factors_of(customer)
    for name in ("external_rating", "field_assessment", "exposure_vs_cover", "over_days_limit"):
        assert factors[name] == (None, 0), name


def test_rating_assessment_limits_and_cover_each_count(customer, finance_fanny, rep_remi):
    CreditRating.objects.create(
        customer=customer, source="agence", rated_on=AS_OF - dt.timedelta(days=10), score=20
    )
    record_field_assessment(
        customer=customer,
        assessed_by=rep_remi,
        assessed_on=AS_OF,
        answers=dict.fromkeys(QUESTION_FIELDS, "poor"),
        certified=True,
        today=AS_OF,
    )
    change_limits(
        customer=customer,
        edit=LimitsEdit(
            credit_limit=Decimal("500.00"),
            temporary_limit=Decimal("800.00"),
            temporary_until=AS_OF + dt.timedelta(days=5),
            oldest_days_limit=30,
            uninvoiced_orders=Decimal("200.00"),
        ),
        changed_by=finance_fanny,
        today=AS_OF,
    )
    record_cover(
        customer=customer,
        recorded_by=finance_fanny,
        insurer="Assureur",
        amount=Decimal("800.00"),
        kind="permanent",
        expires_on=None,
        today=AS_OF,
    )
    factors = factors_of(customer)
    assert factors["external_rating"] == (80, 15)
    assert factors["field_assessment"][1] > 0  # every answer poor: the riskiest
    # exposure 1 000 + 200 of orders against the temporary 800 in force: 150 %
    assert factors["exposure_vs_limit"] == (150.0, 15)
    assert factors["over_days_limit"] == (1, 8)  # 40 days past due, 30 at most
    assert factors["exposure_vs_cover"] == (25.0, 5)  # 1 000 outstanding, 800 insured
