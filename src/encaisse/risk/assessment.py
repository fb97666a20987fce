"""The rep's field assessment: the ten questions, their points, recording one, reading them.

The score is the share of the points the known answers could earn: each question is worth
the points of its "good" column (100 in all), "average" earns about half, "poor" nothing,
and "don't know" leaves the question out (it says nothing, so it neither helps nor hurts).

The signature: the logged-in rep ticks "I certify..." and the assessment keeps who (the
user), when (the server's clock) and the name they had then. It is an attestation by an
authenticated user inside Encaisse, not a qualified electronic signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_assess_customers
from encaisse.collaboration.models import Task, TaskStatus
from encaisse.collaboration.services import cancel_task
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.risk.models_assessment import Answer, FieldAssessment

REMINDER_SOURCE = "risk-assessment-due"  # + ":<customer>:<latest assessment or 0>"


@dataclass(frozen=True)
class Question:
    """One question: its field, its wording, the words of good / average / poor, and the
    points each earns."""

    field: str
    text: Any  # lazy translations
    good: Any
    fair: Any
    poor: Any
    points: tuple[int, int, int]


# THE table: questions in the order of the form, and the points of good, average, poor.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "premises",
        _("State of the premises and warehouses"),
        pgettext_lazy("premises", "Well kept"),
        pgettext_lazy("premises", "Average"),
        pgettext_lazy("premises", "Neglected"),
        (10, 5, 0),
    ),
    Question(
        "management",
        _("Management experience"),
        pgettext_lazy("management experience", "Experienced"),
        pgettext_lazy("management experience", "Some"),
        pgettext_lazy("management experience", "New or unsure"),
        (12, 6, 0),
    ),
    Question(
        "commitments",
        _("Commitments kept"),
        pgettext_lazy("commitments kept", "Always"),
        pgettext_lazy("commitments kept", "Mostly"),
        pgettext_lazy("commitments kept", "Rarely"),
        (15, 7, 0),
    ),
    Question(
        "atmosphere",
        _("Working atmosphere"),
        pgettext_lazy("working atmosphere", "Good"),
        pgettext_lazy("working atmosphere", "Average"),
        pgettext_lazy("working atmosphere", "Tense"),
        (8, 4, 0),
    ),
    Question(
        "staff_turnover",
        _("Staff turnover"),
        pgettext_lazy("staff turnover", "Low"),
        pgettext_lazy("staff turnover", "Normal"),
        pgettext_lazy("staff turnover", "High"),
        (8, 4, 0),
    ),
    Question(
        "price_sensitivity",
        _("Price sensitivity"),
        pgettext_lazy("price sensitivity", "Low"),
        pgettext_lazy("price sensitivity", "Normal"),
        pgettext_lazy("price sensitivity", "High"),
        (7, 3, 0),
    ),
    Question(
        "long_terms",
        _("Unusually long payment terms asked"),
        pgettext_lazy("long terms asked", "Never"),
        pgettext_lazy("long terms asked", "Sometimes"),
        pgettext_lazy("long terms asked", "Often"),
        (12, 5, 0),
    ),
    Question(
        "discounts",
        _("Discounts used to push sales"),
        pgettext_lazy("discounts to push sales", "Never"),
        pgettext_lazy("discounts to push sales", "Sometimes"),
        pgettext_lazy("discounts to push sales", "Often"),
        (8, 4, 0),
    ),
    Question(
        "competitors",
        _("What competitors say"),
        pgettext_lazy("what competitors say", "Good things"),
        pgettext_lazy("what competitors say", "Nothing special"),
        pgettext_lazy("what competitors say", "Warnings"),
        (10, 5, 0),
    ),
    Question(
        "market",
        _("Market trend"),
        pgettext_lazy("market trend", "Growing"),
        pgettext_lazy("market trend", "Stable"),
        pgettext_lazy("market trend", "Declining"),
        (10, 5, 0),
    ),
)
QUESTION_FIELDS = tuple(question.field for question in QUESTIONS)
_LEVEL = {Answer.GOOD: 0, Answer.FAIR: 1, Answer.POOR: 2}


def answer_label(question: Question, answer: str) -> str:
    """The words of an answer to that question ("Rarely", "Don't know")."""
    if answer == Answer.UNKNOWN:
        return str(Answer.UNKNOWN.label)
    return str((question.good, question.fair, question.poor)[_LEVEL[Answer(answer)]])


def answer_points(question: Question, answer: str) -> int | None:
    """The points an answer earns; None for "don't know" (left out of the score)."""
    if answer == Answer.UNKNOWN:
        return None
    return question.points[_LEVEL[Answer(answer)]]


def assessment_score(answers: Mapping[str, str]) -> int:
    """0-100: the points earned over the points the known answers could earn (rounded).
    BadInput when an answer is missing or unknown, or when every answer is "don't know"."""
    earned = possible = 0
    for question in QUESTIONS:
        answer = answers.get(question.field, "")
        if answer not in Answer.values:
            raise BadInput(
                sentence(
                    "%(question)s: choose an answer (or “don't know”)", question=question.field
                )
            )
        points = answer_points(question, answer)
        if points is not None:
            earned += points
            possible += question.points[0]
    if not possible:
        raise BadInput(sentence("answers: answer at least one question other than “don't know”"))
    return round(100 * earned / possible)


@transaction.atomic
def record_field_assessment(
    *,
    customer: Customer,
    assessed_by: User,
    assessed_on: dt.date,
    answers: Mapping[str, str],
    certified: bool,
    today: dt.date,
    comment: str = "",
) -> FieldAssessment:
    """Record and sign the assessment ``assessed_by`` made of ``customer`` on ``assessed_on``.

    Only who may assess and sees the customer (PermissionDenied otherwise: the customer's
    rep, the managers over them, finance); BadInput for a missing answer, a date in the
    future, or no certification. Its reminder tasks, if any wait, are closed.
    """
    if not can_assess_customers(assessed_by) or not (
        visible_customers(assessed_by).filter(pk=customer.pk).exists()
    ):
        raise PermissionDenied
    if assessed_on > today:
        raise BadInput(sentence("assessed_on: the assessment cannot be dated in the future"))
    score = assessment_score(answers)
    if not certified:
        raise BadInput(sentence("certified: tick the box to sign the assessment"))
    assessment = FieldAssessment.objects.create(
        customer=customer,
        assessed_by=assessed_by,
        assessed_on=assessed_on,
        signed_as=(assessed_by.get_full_name() or assessed_by.username)[:150],
        comment=comment.strip(),
        score=score,
        **{field: answers[field] for field in QUESTION_FIELDS},
    )
    for task in Task.objects.filter(
        customer=customer,
        status=TaskStatus.OPEN,
        source__startswith=f"{REMINDER_SOURCE}:{customer.pk}:",
    ):
        cancel_task(task=task, note=gettext("Field assessment recorded."))
    return assessment


# --- Reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRecord:
    """An assessment as plain data (what the score reads): ``answers`` by question field."""

    id: int
    customer_id: int
    assessed_on: dt.date
    assessed_by: str
    score: int
    answers: Mapping[str, str]
    age_days: int
    comment: str = ""


def _record(assessment: FieldAssessment, as_of: dt.date) -> AssessmentRecord:
    return AssessmentRecord(
        id=assessment.pk,
        customer_id=assessment.customer_id,
        assessed_on=assessment.assessed_on,
        assessed_by=assessment.signed_as,
        score=assessment.score,
        answers={field: getattr(assessment, field) for field in QUESTION_FIELDS},
        age_days=(as_of - assessment.assessed_on).days,
        comment=assessment.comment,
    )


def customer_assessments(customer: Customer) -> QuerySet[FieldAssessment]:
    """The customer's assessments, latest first (the customer already scoped)."""
    return FieldAssessment.objects.filter(customer=customer).order_by("-assessed_on", "-pk")


def latest_assessment(customer: Customer, *, as_of: dt.date) -> AssessmentRecord | None:
    """The customer's latest assessment, its age counted to ``as_of``; None if never."""
    assessment = customer_assessments(customer).first()
    return _record(assessment, as_of) if assessment is not None else None


def latest_assessments(
    customers: QuerySet[Customer], *, as_of: dt.date
) -> dict[int, AssessmentRecord]:
    """The latest assessment of each of ``customers`` that has one, by customer id: one
    query, set-based (nightly scoring)."""
    latest = (
        FieldAssessment.objects.filter(customer=OuterRef("customer"))
        .order_by("-assessed_on", "-pk")
        .values("pk")[:1]
    )
    rows = FieldAssessment.objects.filter(customer__in=customers.values("pk"), pk=Subquery(latest))
    return {row.customer_id: _record(row, as_of) for row in rows}


def score_tone(score: int) -> str:
    """The colour a score is shown in: good from 70, to watch from 40, poor below."""
    return "success" if score >= 70 else ("warning" if score >= 40 else "danger")


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (0 if later is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def assessed_ago(assessed_on: dt.date, *, as_of: dt.date) -> str:
    """ "assessed today", "assessed 12 days ago", "assessed 8 months ago", "assessed 2 years
    ago", in the active language."""
    days = (as_of - assessed_on).days
    if days <= 0:
        return gettext("assessed today")
    if days == 1:
        return gettext("assessed yesterday")
    months = months_between(assessed_on, as_of)
    if months < 1:
        return ngettext("assessed %(count)d day ago", "assessed %(count)d days ago", days) % {
            "count": days
        }
    if months < 24:
        return ngettext("assessed %(count)d month ago", "assessed %(count)d months ago", months) % {
            "count": months
        }
    years = months // 12
    return ngettext("assessed %(count)d year ago", "assessed %(count)d years ago", years) % {
        "count": years
    }
