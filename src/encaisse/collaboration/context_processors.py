"""The bell in the navigation bar: how many notifications are unread (one COUNT query, and
only when a page shows the bell)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from encaisse.accounts.models import User
from encaisse.collaboration.selectors import unread_notification_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"unread_notification_count": 0}
    # A callable: the template calls it where the bell is drawn, once (inside {% with %}).
    return {"unread_notification_count": partial(unread_notification_count, user)}
