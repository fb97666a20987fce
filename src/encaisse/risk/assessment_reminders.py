"""Key accounts are assessed in the field again every ENCAISSE_ASSESSMENT_MONTHS: a daily
job gives the rep a task when the latest assessment is older (or there is none), once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from encaisse.collaboration.models import Task, TaskKind
from encaisse.collaboration.notifications import language_of
from encaisse.collaboration.services import TaskSpec, create_tasks
from encaisse.ledger.models import Customer, Segment
from encaisse.risk.assessment import (
    REMINDER_SOURCE,
    AssessmentRecord,
    assessed_ago,
    latest_assessments,
    months_between,
)

_CHUNK = 500  # sources per query: under SQLite's bound-parameter limit


def assessment_is_due(
    last_assessed_on: dt.date | None, *, as_of: dt.date, months: int | None = None
) -> bool:
    """No assessment yet, or the latest is ``months`` (the setting) old or more."""
    months = settings.ENCAISSE_ASSESSMENT_MONTHS if months is None else months
    return last_assessed_on is None or months_between(last_assessed_on, as_of) >= months


def _instructions(latest: AssessmentRecord | None, months: int) -> str:
    every = ngettext(
        "Key accounts are assessed in the field every %(count)d month.",
        "Key accounts are assessed in the field every %(count)d months.",
        months,
    ) % {"count": months}
    if latest is None:
        return gettext("No field assessment yet.") + " " + every
    last = gettext("Last assessment on %(day)s by %(person)s.") % {
        "day": formats.date_format(latest.assessed_on, "SHORT_DATE_FORMAT"),
        "person": latest.assessed_by,
    }
    return f"{last} {every}"


def remind_reps_of_due_assessments(*, as_of: dt.date) -> int:
    """Give each key account's rep a task to assess it when it is due; once per customer and
    latest assessment (by the task's source), so running it twice a day changes nothing.
    Returns how many tasks were created."""
    months = settings.ENCAISSE_ASSESSMENT_MONTHS
    key_accounts = Customer.objects.filter(
        segment=Segment.KEY_ACCOUNT, sales_rep__isnull=False, sales_rep__is_active=True
    )
    latest = latest_assessments(key_accounts, as_of=as_of)
    due = [
        customer
        for customer in key_accounts.select_related("sales_rep").order_by("pk")
        if assessment_is_due(
            getattr(latest.get(customer.pk), "assessed_on", None), as_of=as_of, months=months
        )
    ]
    sources = {
        customer.pk: f"{REMINDER_SOURCE}:{customer.pk}:{getattr(latest.get(customer.pk), 'id', 0)}"
        for customer in due
    }
    wanted = list(sources.values())
    existing: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        existing.update(
            Task.objects.filter(source__in=wanted[start : start + _CHUNK]).values_list(
                "source", flat=True
            )
        )
    specs = []
    for customer in due:
        if sources[customer.pk] in existing:
            continue
        record = latest.get(customer.pk)
        with translation.override(language_of(customer.sales_rep)):
            title = (
                gettext("Assess %(customer)s in the field: %(ago)s")
                % {"customer": customer.name, "ago": assessed_ago(record.assessed_on, as_of=as_of)}
                if record is not None
                else gettext("Assess %(customer)s in the field: never assessed")
                % {"customer": customer.name}
            )
            instructions = _instructions(record, months)
        specs.append(
            TaskSpec(
                customer=customer,
                kind=TaskKind.TASK,
                title=title,
                due_on=as_of,
                invoice_ids=[],
                source=sources[customer.pk],
                instructions=instructions,
                assignee=customer.sales_rep,
            )
        )
    if specs:
        create_tasks(specs)
    return len(specs)
