"""What a person changes about themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.accounts.models import NotificationDelivery, User
from encaisse.core.errors import BadInput


@transaction.atomic
def set_preferences(*, user: User, language: str, notification_delivery: str) -> User:
    """The language ``user`` reads Encaisse in (pages, tasks, notifications, e-mails) and
    how they hear of their notifications by e-mail."""
    languages = [code for code, _name in settings.LANGUAGES]
    if language not in languages:
        raise BadInput(
            _("language: %(value)s is not one of %(choices)s")
            % {"value": language, "choices": ", ".join(languages)}
        )
    if notification_delivery not in NotificationDelivery.values:
        raise BadInput(
            _("notifications by e-mail: %(value)s is not a choice")
            % {"value": notification_delivery}
        )
    user.language = language
    user.notification_delivery = notification_delivery
    user.save(update_fields=["language", "notification_delivery"])
    return user
