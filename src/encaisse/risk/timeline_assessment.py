"""The field assessments on the customer's timeline (core.timeline), once each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from encaisse.core.timeline import TimelineEvent
from encaisse.ledger.models import Customer
from encaisse.risk.assessment import customer_assessments, score_tone

LABELS = {"assessment": pgettext_lazy("timeline", "Assessment")}
PER_KIND = 40


def assessment_events(customer: Customer, reader: Any) -> list[TimelineEvent]:
    """Each assessment once, on the day of the visit (signed then, or later): its score, who
    signed, the comment."""
    url = reverse("customer-detail", args=[customer.pk]) + "#assessment"
    events = []
    for assessment in customer_assessments(customer)[:PER_KIND]:
        events.append(
            TimelineEvent(
                at=assessment.signed_at
                if timezone.localdate(assessment.signed_at) == assessment.assessed_on
                else timezone.make_aware(dt.datetime.combine(assessment.assessed_on, dt.time(12))),
                kind="assessment",
                title=_("Field assessment: score %(score)d/100") % {"score": assessment.score},
                detail=assessment.comment,
                by=assessment.signed_as,
                url=url,
                tone=score_tone(assessment.score),
            )
        )
    return events
