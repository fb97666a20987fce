"""What people read for a step: the shipped steps' keys in words, others as written."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

STEP_LABELS = {
    "courtesy": gettext_lazy("Courtesy reminder"),
    "reminder_1": gettext_lazy("First reminder"),
    "reminder_2": gettext_lazy("Second reminder"),
    "reminder_3": gettext_lazy("Third reminder"),
    "call": gettext_lazy("Call by the sales rep"),
    "sms": gettext_lazy("SMS reminder"),
    "escalation": gettext_lazy("Escalation to the manager"),
    "formal_notice": gettext_lazy("Formal notice"),
}


def step_label(key: str) -> str:
    """``formal_notice`` → "Formal notice" (translated); an unknown key, made readable."""
    label = STEP_LABELS.get(key)
    if label is not None:
        return str(label)
    return key.replace("_", " ").replace("-", " ").capitalize()


def channel_label(channel: str) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


def actor_label(actor: str) -> str:
    return str(ACTOR_LABELS.get(actor, actor))


CHANNEL_LABELS = {
    "email": gettext_lazy("e-mail"),
    "letter": gettext_lazy("letter"),
    "sms": gettext_lazy("SMS"),
    "call": gettext_lazy("call"),
    "task": gettext_lazy("task"),
}
ACTOR_LABELS = {
    "finance": gettext_lazy("finance"),
    "sales_rep": gettext_lazy("sales rep"),
    "sales_manager": gettext_lazy("sales manager"),
    "agency_manager": gettext_lazy("agency manager"),
}


PAUSE_LABELS = {
    "do_not_contact": gettext_lazy("do not contact"),
    "customer_on_hold": gettext_lazy("customer on hold"),
    "disputed": gettext_lazy("disputed"),
    "on_hold": gettext_lazy("hold"),
    "promised": gettext_lazy("promise to pay"),
    "awaiting_outcome": gettext_lazy("waiting for a call's outcome"),
}


def pause_label(reason: str) -> str:
    """Why the engine leaves an invoice alone (``PauseReason``), in words."""
    return str(PAUSE_LABELS.get(reason, reason))
