"""Blocking a customer: its orders stop until it is unblocked. Finance blocks with a reason,
or a rule does (risk.blocking_rules, the daily job); unblocking is direct, or, when
settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL is on, a request another finance user
approves. Each block and unblock is told to the ERP (webhooks ``customer.blocked`` and
``customer.unblocked``, once per event), to the customer's rep and to finance.

These services are the only writers of ``Customer.blocked_since`` / ``blocked_reason``
(tests/test_architecture.py checks it); ``Block`` keeps the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import (
    can_block_customers,
    can_follow_blocked_customers,
    users_who_run_dunning,
)
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.risk.blocking_rules import active_rules, rule_reason
from encaisse.risk.models_blocking import Block, UnblockRequest, UnblockStatus
from encaisse.webhooks.services import emit

REASON_MAX = 300
LISTED = 20  # customers named in one notification of the rules' run


def _reason(reason: str, *, field: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise BadInput(_("%(field)s: say why.") % {"field": field})
    if len(text) > REASON_MAX:
        raise BadInput(
            _("%(field)s: at most %(max)s characters.") % {"field": field, "max": REASON_MAX}
        )
    return text


def _finance(user: User) -> None:
    if not can_block_customers(user):
        raise BadInput(_("Only finance may block or unblock a customer."))


def _locked(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _open_block(customer: Customer) -> Block | None:
    return Block.objects.filter(customer=customer, unblocked_at__isnull=True).first()


def _set_state(customer: Customer, *, since: dt.datetime | None, reason: str) -> None:
    """The one place the customer's blocked state is written."""
    Customer.objects.filter(pk=customer.pk).update(blocked_since=since, blocked_reason=reason)
    customer.blocked_since = since
    customer.blocked_reason = reason


def _who(user: User | None) -> str:
    return user.username if user is not None else ""


def _customer_data(customer: Customer) -> dict[str, Any]:
    return {"id": customer.pk, "external_id": customer.external_id, "name": customer.name}


@transaction.atomic
def block_customer(
    *,
    customer: Customer,
    reason: str,
    by: User | None,
    rule: str = "",
    at: dt.datetime | None = None,
    tell: bool = True,
) -> Block:
    """Block ``customer`` (finance's ``by``, or a ``rule`` with ``by`` None) with a reason.
    BadInput when it is already blocked or no reason is given; nothing changes then.
    ``tell=False``: the caller tells the rep and finance itself (the rules' run, grouped)."""
    if by is not None:
        _finance(by)
    text = _reason(reason, field=_("reason"))
    customer = _locked(customer)
    if customer.blocked_since is not None or _open_block(customer) is not None:
        raise BadInput(_("%(customer)s is already blocked.") % {"customer": customer.name})
    at = at or timezone.now()
    try:
        with transaction.atomic():
            block = Block.objects.create(
                customer=customer, reason=text, blocked_by=by, rule=rule, blocked_at=at
            )
    except IntegrityError:  # blocked at the same moment by someone else
        raise BadInput(
            _("%(customer)s is already blocked.") % {"customer": customer.name}
        ) from None
    _set_state(customer, since=at, reason=text)
    emit(
        "customer.blocked",
        {
            "customer": _customer_data(customer),
            "reason": text,
            "since": at.isoformat(),
            "by": _who(by),
            "rule": rule,
        },
        key=f"block:{block.pk}",
    )
    if tell:
        _tell(customer, actor=by, blocked=True, reason=text)
    return block


@transaction.atomic
def unblock_customer(*, customer: Customer, by: User, reason: str) -> Block | UnblockRequest:
    """Unblock ``customer``: at once (the lifted Block), or, when a second approval is
    needed, a pending UnblockRequest another finance user decides."""
    _finance(by)
    text = _reason(reason, field=_("reason"))
    customer = _locked(customer)
    block = _open_block(customer)
    if block is None:
        raise BadInput(_("%(customer)s is not blocked.") % {"customer": customer.name})
    if not settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL:
        return _lift(block, by=by, reason=text, requested_by=None)
    if block.unblock_requests.filter(status=UnblockStatus.PENDING).exists():
        raise BadInput(_("A request to unblock this customer is already waiting for approval."))
    unblock_request = UnblockRequest.objects.create(
        block=block,
        customer=customer,
        reason=text,
        requested_by=by,
        requested_at=timezone.now(),
    )
    url = reverse("customer-detail", args=[customer.pk]) + "#blocking"
    for person in users_who_run_dunning().exclude(pk=by.pk):
        with translation.override(language_of(person)):
            notify(
                recipient=person,
                title=_("To approve: unblock %(customer)s") % {"customer": customer.name},
                body=_("%(person)s asks: %(reason)s") % {"person": str(by), "reason": text},
                url=url,
                customer=customer,
            )
    return unblock_request


@transaction.atomic
def decide_unblock_request(
    *, unblock_request: UnblockRequest, by: User, approve: bool
) -> UnblockRequest:
    """Approve (the customer is unblocked) or refuse a pending request; never by the person
    who asked."""
    _finance(by)
    unblock_request = UnblockRequest.objects.select_for_update().get(pk=unblock_request.pk)
    if unblock_request.status != UnblockStatus.PENDING:
        raise BadInput(_("This request to unblock was already decided."))
    if unblock_request.requested_by_id == by.pk:
        raise BadInput(_("Another finance user must approve: you cannot decide your own request."))
    unblock_request.status = UnblockStatus.APPROVED if approve else UnblockStatus.REFUSED
    unblock_request.decided_by = by
    unblock_request.decided_at = timezone.now()
    unblock_request.save(update_fields=["status", "decided_by", "decided_at"])
    customer = unblock_request.customer
    if approve:
        block = Block.objects.select_for_update().get(pk=unblock_request.block_id)
        if block.is_open:
            _lift(
                block, by=by, reason=unblock_request.reason,
                requested_by=unblock_request.requested_by,
            )  # fmt: skip
    elif unblock_request.requested_by is not None and unblock_request.requested_by.is_active:
        asker = unblock_request.requested_by
        with translation.override(language_of(asker)):
            notify(
                recipient=asker,
                title=_("Unblocking refused: %(customer)s") % {"customer": customer.name},
                body=_("%(person)s refused; the customer stays blocked.") % {"person": str(by)},
                url=reverse("customer-detail", args=[customer.pk]) + "#blocking",
                customer=customer,
            )
    return unblock_request


def _lift(block: Block, *, by: User, reason: str, requested_by: User | None) -> Block:
    block.unblocked_at = timezone.now()
    block.unblocked_by = by
    block.unblock_reason = reason
    block.save(update_fields=["unblocked_at", "unblocked_by", "unblock_reason"])
    UnblockRequest.objects.filter(block=block, status=UnblockStatus.PENDING).exclude(
        requested_by=requested_by
    ).update(status=UnblockStatus.REFUSED, decided_by=by, decided_at=block.unblocked_at)
    customer = block.customer
    _set_state(customer, since=None, reason="")
    emit(
        "customer.unblocked",
        {
            "customer": _customer_data(customer),
            "reason": reason,
            "since": block.unblocked_at.isoformat(),
            "blocked_since": block.blocked_at.isoformat(),
            "by": _who(by),
            "requested_by": _who(requested_by),
        },
        key=f"unblock:{block.pk}",
    )
    _tell(customer, actor=by, blocked=False, reason=reason, also=[requested_by])
    return block


def _tell(
    customer: Customer,
    *,
    actor: User | None,
    blocked: bool,
    reason: str,
    also: Iterable[User | None] = (),
) -> None:
    """The customer's rep and finance hear of it (not whoever did it)."""
    people = {person.pk: person for person in users_who_run_dunning()}
    for person in [customer.sales_rep, *also]:
        if person is not None and person.is_active:
            people[person.pk] = person
    if actor is not None:
        people.pop(actor.pk, None)
    url = reverse("customer-detail", args=[customer.pk])
    for person in people.values():
        with translation.override(language_of(person)):
            title = (_("Blocked: %(customer)s") if blocked else _("Unblocked: %(customer)s")) % {
                "customer": customer.name
            }
            notify(recipient=person, title=title, body=reason, url=url, customer=customer)


def apply_blocking_rules(*, as_of: dt.date) -> int:
    """Block the customers the rules on (settings.ENCAISSE_BLOCKING_RULES) find on ``as_of``,
    unless already blocked or unblocked by a person in the last
    ENCAISSE_BLOCKING_RULE_QUIET_DAYS days; each rep hears of theirs and finance of all, in
    one notification each. Safe to run twice; how many were blocked."""
    quiet_since = timezone.now() - dt.timedelta(days=settings.ENCAISSE_BLOCKING_RULE_QUIET_DAYS)
    lifted_lately = Block.objects.filter(unblocked_at__gte=quiet_since).values("customer_id")
    blocked: list[tuple[Customer, str]] = []
    for rule in active_rules():
        candidates = (
            rule.customers(as_of)
            .filter(blocked_since__isnull=True)
            .exclude(pk__in=lifted_lately)
            .select_related("sales_rep")
            .order_by("pk")
        )
        # Stored once, in the language letters are written in; pages translate it again.
        with translation.override(language_of(None)):
            reason = rule_reason(rule.key)
        for customer in candidates.iterator(chunk_size=500):
            try:
                block_customer(customer=customer, reason=reason, by=None, rule=rule.key, tell=False)
            except BadInput:  # blocked meanwhile by a person or another run
                continue
            blocked.append((customer, rule.key))
    if blocked:
        _tell_rule_blocks(blocked)
    return len(blocked)


def _tell_rule_blocks(blocked: list[tuple[Customer, str]]) -> None:
    """One notification per person: each rep their customers, finance every one."""
    finance = list(users_who_run_dunning())
    audience: list[tuple[User, list[tuple[Customer, str]]]] = [(f, blocked) for f in finance]
    reps: dict[int, User] = {}
    by_rep: dict[int, list[tuple[Customer, str]]] = {}
    for customer, rule in blocked:
        rep = customer.sales_rep
        if rep is not None and rep.is_active and rep not in finance:
            reps[rep.pk] = rep
            by_rep.setdefault(rep.pk, []).append((customer, rule))
    audience += [(reps[pk], theirs) for pk, theirs in by_rep.items()]
    for person, theirs in audience:
        with translation.override(language_of(person)):
            if len(theirs) == 1:
                only, rule = theirs[0]
                notify(
                    recipient=person,
                    title=_("Blocked: %(customer)s") % {"customer": only.name},
                    body=rule_reason(rule),
                    url=reverse("customer-detail", args=[only.pk]),
                    customer=only,
                )
                continue
            notify(
                recipient=person,
                title=ngettext(
                    "%(count)s customer blocked by a rule",
                    "%(count)s customers blocked by a rule",
                    len(theirs),
                )
                % {"count": len(theirs)},
                body=", ".join(customer.name for customer, _rule in theirs[:LISTED])
                + ("…" if len(theirs) > LISTED else ""),
                url=reverse(
                    "risk-blocked" if can_follow_blocked_customers(person) else "customer-list"
                ),
            )
