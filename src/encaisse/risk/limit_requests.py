"""Limit requests: a rep or a manager asks finance for a new credit limit (permanent, or
temporary until a date) with a justification; finance approves, refuses or counter-proposes
(approves another amount or end date). A decided limit changes through ``change_limits``,
the one service that changes limits. Finance hears of a new request, the requester of the
decision; the ERP of both by webhook (``limit.requested``, ``limit.decided``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_decide_limits, can_request_limit, limit_deciders
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.core.money import format_money, money_str
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.risk.limit_changes import change_limits, current_edit
from encaisse.risk.models_limits import LimitRequest, LimitRequestStatus
from encaisse.webhooks.services import emit

MAX_JUSTIFICATION = 2000


def _check(amount: Decimal | None, until: dt.date | None, today: dt.date) -> None:
    if amount is None:
        raise BadInput(sentence("amount: give the limit asked"))
    if amount < 0:
        raise BadInput(sentence("amount: a credit limit cannot be negative"))
    if until is not None and until < today:
        raise BadInput(
            sentence("until: the end date is in the past (%(day)s)", day=until.isoformat())
        )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else money_str(value)


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _payload(request: LimitRequest) -> dict[str, Any]:
    return {
        "request_id": request.pk,
        "customer_id": request.customer_id,
        "customer_external_id": request.customer.external_id,
        "amount": money_str(request.amount),
        "temporary_until": _day(request.temporary_until),
        "current_limit": _money(request.current_limit),
        "status": request.status,
        "decided_amount": _money(request.decided_amount),
        "decided_until": _day(request.decided_until),
        "justification": request.justification,
        "decision_note": request.decision_note,
    }


def request_url(request: LimitRequest) -> str:
    return reverse("customer-detail", args=[request.customer_id]) + "#credit-limits"


def request_summary(request: LimitRequest) -> str:
    """The request in one line, in the active language."""
    currency = request.customer.entity.currency
    amount = format_money(request.amount, currency)
    if request.temporary_until is not None:
        return _("%(amount)s until %(day)s") % {
            "amount": amount,
            "day": formats.date_format(request.temporary_until, "SHORT_DATE_FORMAT"),
        }
    return amount


@transaction.atomic
def request_limit(
    *,
    customer: Customer,
    requested_by: User,
    amount: Decimal | None,
    justification: str,
    today: dt.date,
    temporary_until: dt.date | None = None,
) -> LimitRequest:
    """Ask finance for a new limit on a customer the requester sees (finance is told).
    Bad input raises BadInput naming the field; nothing is recorded then."""
    if not can_request_limit(requested_by):
        raise BadInput(sentence("you may not ask for a credit limit"))
    if not visible_customers(requested_by).filter(pk=customer.pk).exists():
        raise BadInput(sentence("customer: not in your portfolio"))
    _check(amount, temporary_until, today)
    if amount is None:  # _check refused it already; for the type checker
        raise BadInput(sentence("amount: give the limit asked"))
    if not justification.strip():
        raise BadInput(sentence("justification: say why the customer needs this limit"))
    request = LimitRequest.objects.create(
        customer=customer,
        requested_by=requested_by,
        amount=amount,
        temporary_until=temporary_until,
        justification=justification.strip()[:MAX_JUSTIFICATION],
        current_limit=customer.credit_limit,
    )
    emit("limit.requested", _payload(request), key=f"limit-request:{request.pk}")
    for person in limit_deciders().exclude(pk=requested_by.pk):
        with translation.override(language_of(person)):
            notify(
                recipient=person,
                title=_("Credit limit asked for %(customer)s") % {"customer": customer.name},
                body=f"{request_summary(request)} · {request.justification}",
                url=request_url(request),
                customer=customer,
            )
    return request


@transaction.atomic
def decide_limit_request(
    *,
    request: LimitRequest,
    decided_by: User,
    decision: str,
    today: dt.date,
    note: str = "",
    amount: Decimal | None = None,
    until: dt.date | None = None,
) -> LimitRequest:
    """Finance approves (the amount asked), counter-proposes (``amount`` and ``until``
    given instead) or refuses (a note says why) a pending request. An approved or countered
    limit is set at once through ``change_limits``; the requester is told."""
    if not can_decide_limits(decided_by):
        raise BadInput(sentence("you may not decide credit limits"))
    request = (
        LimitRequest.objects.select_for_update(of=("self",))
        .select_related("customer__entity", "requested_by")
        .get(pk=request.pk)
    )
    if not request.is_pending:
        raise BadInput(sentence("this request was already decided"))
    if decision == LimitRequestStatus.APPROVED:
        amount, until = request.amount, request.temporary_until
        if until is not None and until < today:
            raise BadInput(
                sentence("until: the end date is in the past (%(day)s)", day=until.isoformat())
            )
    elif decision == LimitRequestStatus.COUNTERED:
        _check(amount, until, today)
    elif decision == LimitRequestStatus.REFUSED:
        if not note.strip():
            raise BadInput(sentence("note: say why the request is refused"))
        amount, until = None, None
    else:
        raise BadInput(sentence("decision: approve, counter-propose or refuse"))
    customer = request.customer
    if amount is not None:
        edit = current_edit(customer)
        if until is None:
            edit = replace(edit, credit_limit=amount)
        else:
            edit = replace(edit, temporary_limit=amount, temporary_until=until)
        change_limits(customer=customer, edit=edit, changed_by=decided_by, today=today)
    request.status = decision
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.decided_amount = amount
    request.decided_until = until
    request.decision_note = note.strip()[:MAX_JUSTIFICATION]
    request.save()
    emit("limit.decided", _payload(request), key=f"limit-decision:{request.pk}")
    _tell_requester(request)
    return request


def _tell_requester(request: LimitRequest) -> None:
    requester = request.requested_by
    if requester is None or not requester.is_active or requester == request.decided_by:
        return
    if not visible_customers(requester).filter(pk=request.customer_id).exists():
        return
    with translation.override(language_of(requester)):
        titles = {
            LimitRequestStatus.APPROVED: _("Credit limit approved for %(customer)s"),
            LimitRequestStatus.COUNTERED: _("Another credit limit proposed for %(customer)s"),
            LimitRequestStatus.REFUSED: _("Credit limit refused for %(customer)s"),
        }
        body = request.decision_note
        if request.status == LimitRequestStatus.COUNTERED and request.decided_amount is not None:
            currency = request.customer.entity.currency
            body = " · ".join(
                part
                for part in (
                    _("%(amount)s instead of %(asked)s")
                    % {
                        "amount": format_money(request.decided_amount, currency),
                        "asked": format_money(request.amount, currency),
                    },
                    request.decision_note,
                )
                if part
            )
        notify(
            recipient=requester,
            title=titles[LimitRequestStatus(request.status)] % {"customer": request.customer.name},
            body=body,
            url=request_url(request),
            customer=request.customer,
        )
