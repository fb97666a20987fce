"""The customer's timeline as apps add to it without the app that draws it importing them.

An event is plain data (``TimelineEvent``). Dunning draws the timeline from its own kinds
and from the sources other apps register here (in their AppConfig.ready): a source is a
callable ``(customer, reader) -> list[TimelineEvent]`` (the customer already scoped; the
reader decides which links to give), with the badge label of each kind it makes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened: ``kind`` picks the badge, ``tone`` the colour."""

    at: dt.datetime
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    amount: Decimal | None = None
    url: str = ""
    tone: str = "secondary"


TimelineSource = Callable[[Any, Any], list[TimelineEvent]]
_sources: list[TimelineSource] = []
_labels: dict[str, Any] = {}


def register_timeline_source(source: TimelineSource, *, labels: Mapping[str, Any]) -> None:
    """Add a source of events; ``labels``: the badge of each kind it makes (lazy strings)."""
    if all(existing is not source for existing in _sources):
        _sources.append(source)
    _labels.update(labels)


def registered_events(customer: Any, reader: Any) -> list[TimelineEvent]:
    """The events of every registered source for the customer."""
    return [event for source in _sources for event in source(customer, reader)]


def registered_label(kind: str) -> Any | None:
    return _labels.get(kind)
