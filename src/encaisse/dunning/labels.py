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
