"""The rep's field assessment: what sales sees at the customer's, in ten answers, dated and
signed. Never changed once signed: a new assessment supersedes the last (the history stays)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer


class Answer(models.TextChoices):
    """One scale for every question: what is good for the credit, fair, poor, or not known.
    Each question words the three levels in its own terms (risk.assessment.QUESTIONS)."""

    GOOD = "good", _("Good")
    FAIR = "fair", _("Average")
    POOR = "poor", _("Poor")
    UNKNOWN = "unknown", _("Don't know")


def _answer(verbose_name: Any) -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=7, choices=Answer.choices)


class FieldAssessment(models.Model):
    """A rep's assessment of a customer on ``assessed_on``. Signed: ``assessed_by`` (the
    logged-in user) certified it at ``signed_at``, under the name ``signed_as`` had then."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="field_assessments",
    )
    assessed_by = models.ForeignKey(
        User,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="field_assessments",
    )
    assessed_on = models.DateField(_("assessed on"))
    signed_as = models.CharField(_("signed as"), max_length=150)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    premises = _answer(_("premises and warehouses"))
    management = _answer(_("management experience"))
    commitments = _answer(_("commitments kept"))
    atmosphere = _answer(_("working atmosphere"))
    staff_turnover = _answer(_("staff turnover"))
    price_sensitivity = _answer(_("price sensitivity"))
    long_terms = _answer(_("unusually long terms asked"))
    discounts = _answer(_("discounts used to push sales"))
    competitors = _answer(_("what competitors say"))
    market = _answer(_("market trend"))
    comment = models.TextField(_("comment"), blank=True)
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("field assessment")
        verbose_name_plural = _("field assessments")
        ordering = ["-assessed_on", "-pk"]
        indexes = [
            models.Index(
                fields=["customer", "-assessed_on", "-id"], name="assessment_customer_latest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="assessment_score_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.assessed_on} · {self.score}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Signed means final: a correction is a new assessment, so the history tells the truth.
        if not self._state.adding:
            raise ValueError("a signed field assessment is never changed; record a new one")
        super().save(*args, **kwargs)
