"""Blocking on the customer's timeline: each block, its unblocking, each request to unblock
and its decision (core.timeline source, registered in RiskConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from encaisse.core.timeline import TimelineEvent
from encaisse.risk.blocking_selectors import block_reason, customer_blocks
from encaisse.risk.models_blocking import UnblockStatus

LABELS = {
    "blocked": pgettext_lazy("timeline", "Blocked"),
    "unblocked": pgettext_lazy("timeline", "Unblocked"),
    "unblock_request": pgettext_lazy("timeline", "Unblocking"),
}


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def blocking_events(customer: Any, reader: Any) -> list[TimelineEvent]:
    events = []
    for block in customer_blocks(customer):
        events.append(
            TimelineEvent(
                at=block.blocked_at,
                kind="blocked",
                title=_("Blocked by a rule") if block.rule else _("Blocked"),
                detail=block_reason(block),
                by=_name(block.blocked_by),
                tone="danger",
            )
        )
        for asked in block.unblock_requests.all():
            events.append(
                TimelineEvent(
                    at=asked.requested_at,
                    kind="unblock_request",
                    title=_("Unblocking asked"),
                    detail=asked.reason,
                    by=_name(asked.requested_by),
                    tone="warning",
                )
            )
            if asked.status == UnblockStatus.REFUSED and asked.decided_at is not None:
                events.append(
                    TimelineEvent(
                        at=asked.decided_at,
                        kind="unblock_request",
                        title=_("Unblocking refused"),
                        by=_name(asked.decided_by),
                        tone="secondary",
                    )
                )
        if block.unblocked_at is not None:
            events.append(
                TimelineEvent(
                    at=block.unblocked_at,
                    kind="unblocked",
                    title=_("Unblocked"),
                    detail=block.unblock_reason,
                    by=_name(block.unblocked_by),
                    tone="success",
                )
            )
    return events
