"""What the page frame shows a user, from the capabilities in accounts.permissions (templates
never test role names)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from encaisse.accounts.models import User
from encaisse.accounts.permissions import (
    can_edit_customer,
    can_follow_disputes,
    can_manage_integrations,
    can_run_dunning,
    can_see_over_limit,
    sees_only_own_customers,
)


def capabilities(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not isinstance(user, User):
        return {"can": {}}
    return {
        "can": {
            "work_in_finance": can_run_dunning(user),
            "edit_customers": can_edit_customer(user),
            "see_only_own_customers": sees_only_own_customers(user),
            "follow_disputes": can_follow_disputes(user),
            "manage_integrations": can_manage_integrations(user),
            "see_over_limit": can_see_over_limit(user),
        }
    }
