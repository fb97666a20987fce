"""How one customer is dunned when it differs from its segment: finance's settings."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_run_dunning
from encaisse.core.errors import BadInput
from encaisse.dunning.models import DunningProfile, Scenario
from encaisse.ledger.models import Customer

MAX_HOLD_DAYS = 365


@transaction.atomic
def set_dunning_profile(
    *,
    customer: Customer,
    scenario: Scenario | None,
    do_not_contact: bool,
    on_hold_until: dt.date | None,
    changed_by: User,
    today: dt.date,
) -> DunningProfile:
    """Set the customer's own scenario (None: its segment's), do-not-contact and hold.

    The next run applies them: a customer not to contact gets nothing, one on hold gets
    nothing until the day after ``on_hold_until``.
    """
    if not can_run_dunning(changed_by):
        raise BadInput("only finance sets how a customer is dunned")
    if on_hold_until is not None and on_hold_until < today:
        raise BadInput(f"on_hold_until: {on_hold_until.isoformat()} is already past")
    if on_hold_until is not None and (on_hold_until - today).days > MAX_HOLD_DAYS:
        raise BadInput(f"on_hold_until: at most {MAX_HOLD_DAYS} days ahead")
    profile, _created = DunningProfile.objects.select_for_update().get_or_create(customer=customer)
    profile.scenario = scenario
    profile.do_not_contact = do_not_contact
    profile.on_hold_until = on_hold_until
    profile.save()
    return profile
