"""The demo company's credit risk, as a year of it would leave it: agencies' ratings (a few
downgraded), field assessments of key accounts, credit-insurance covers, then this
morning's daily jobs of risk: limits checked, the blocking rule, the scores and weak
signals."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.test import override_settings

from encaisse.accounts.permissions import users_who_run_dunning
from encaisse.ledger.models import Customer, Segment
from encaisse.risk.assessment import QUESTION_FIELDS, record_field_assessment
from encaisse.risk.blocking import block_customer
from encaisse.risk.blocking_rules import active_rules
from encaisse.risk.limit_alerts import alert_limit_crossings
from encaisse.risk.models import CreditRating
from encaisse.risk.models_assessment import Answer
from encaisse.risk.ratings import record_cover
from encaisse.risk.ratings_alerts import mark_and_tell_downgrades
from encaisse.risk.scoring import score_customers
from encaisse.risk.weak_signals import detect_weak_signals

RATED_SHARE = 0.6  # of the customers with a SIREN
AGENCY = "Ellisphere"
BLOCKED_BY_FINANCE = 3
BLOCK_REASON = "Encours dépassé, plus de 60 jours de retard malgré la mise en demeure"


@dataclass(frozen=True)
class RiskSummary:
    ratings: int
    assessments: int
    covers: int
    blocked: int
    weak_signals: int


def seed_risk(*, today: dt.date, rng: random.Random) -> RiskSummary:
    customers = list(Customer.objects.exclude(siren="").select_related("sales_rep").order_by("pk"))
    rated = rng.sample(customers, int(len(customers) * RATED_SHARE))
    ratings = []
    for customer in rated:
        score = rng.randint(35, 95)
        for months_ago, drift in ((9, rng.randint(-5, 12)), (2, 0)):
            ratings.append(
                CreditRating(
                    customer=customer,
                    source=AGENCY,
                    rated_on=today - dt.timedelta(days=30 * months_ago),
                    score=max(0, min(100, score + drift)),
                    recommended_limit=Decimal(score * 500),
                )
            )
    CreditRating.objects.bulk_create(ratings)
    latest = [rating for rating in ratings if rating.rated_on == today - dt.timedelta(days=60)]
    mark_and_tell_downgrades(ratings=latest)

    key_accounts = [c for c in customers if c.segment == Segment.KEY_ACCOUNT and c.sales_rep]
    answers = [Answer.GOOD, Answer.GOOD, Answer.FAIR, Answer.POOR, Answer.UNKNOWN]
    assessed = key_accounts[: max(1, len(key_accounts) * 2 // 3)]
    for customer in assessed:
        day = today - dt.timedelta(days=rng.randint(20, 500))
        record_field_assessment(
            customer=customer,
            assessed_by=customer.sales_rep,
            assessed_on=day,
            answers={field: rng.choice(answers) for field in QUESTION_FIELDS},
            certified=True,
            today=day,
        )

    finance = users_who_run_dunning().order_by("pk").first()
    insured = key_accounts[: max(1, len(key_accounts) // 2)]
    for index, customer in enumerate(insured):
        temporary = index % 4 == 0
        record_cover(
            customer=customer,
            recorded_by=finance,
            insurer=rng.choice(["Allianz Trade", "Coface", "Atradius"]),
            amount=Decimal(rng.choice([20_000, 50_000, 80_000, 150_000])),
            kind="temporary" if temporary else "permanent",
            expires_on=today + dt.timedelta(days=rng.randint(10, 90)) if temporary else None,
            today=today,
        )

    alert_limit_crossings(as_of=today)  # this morning's daily jobs of risk, in their order
    # Finance blocked the worst of those the rule "over limit and 60 days overdue" would
    # find (the rule itself is off by default: docs/blocking.md).
    with override_settings(ENCAISSE_BLOCKING_RULES=["over_limit_and_overdue"]):
        worst = sorted(active_rules()[0].customers(today), key=lambda c: c.pk)[:BLOCKED_BY_FINANCE]
    for customer in worst:
        block_customer(customer=customer, reason=BLOCK_REASON, by=finance)
    blocked = len(worst)
    run = score_customers(as_of=today)
    signals = detect_weak_signals(as_of=today, measured=run.measured)
    return RiskSummary(
        ratings=len(ratings),
        assessments=len(assessed),
        covers=len(insured),
        blocked=blocked,
        weak_signals=len(signals),
    )
