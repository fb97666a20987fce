"""The weak signals on the customer's timeline (core.timeline)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import pgettext_lazy

from encaisse.core.timeline import TimelineEvent
from encaisse.risk.selectors_score import weak_signal_lines

LABELS = {"weak_signal": pgettext_lazy("timeline", "Weak signal")}


def weak_signal_events(customer: Any, reader: Any) -> list[TimelineEvent]:
    """The customer's weak signals (the customer is already scoped to the reader)."""
    return [
        TimelineEvent(
            at=timezone.make_aware(dt.datetime.combine(line.detected_on, dt.time(6))),  # type: ignore[arg-type]
            kind="weak_signal",
            title=line.label,
            detail=line.reason,
            tone="warning",
        )
        for line in weak_signal_lines(customer)
    ]
