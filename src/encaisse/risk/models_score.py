"""The explained risk score: each customer's current score with its factors, a daily
snapshot of it, and the weak signals it raised (each told once)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.ledger.models import Customer


class RiskScore(models.Model):
    """A customer's risk score now (0: no risk seen, 100: the worst), with the factors that
    make it as plain data: [{"name", "value", "points"}]. Written by ``risk.scoring`` only,
    for many customers at once."""

    customer = models.OneToOneField(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="risk_score",
    )
    score = models.PositiveSmallIntegerField(_("risk score"))
    factors = models.JSONField(_("factors"), default=list)
    computed_on = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        indexes = [models.Index(fields=["-score"], name="risk_score_score_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score}"


class RiskScoreSnapshot(models.Model):
    """The score of a customer on a day: one row per customer and day, written again (not
    added) when the day is scored twice."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="risk_score_history",
        db_index=False,  # the unique (customer, day) index serves
    )
    day = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(_("risk score"))

    class Meta:
        ordering = ["customer", "-day"]
        verbose_name = _("risk score snapshot")
        verbose_name_plural = _("risk score snapshots")
        constraints = [
            models.UniqueConstraint(fields=["customer", "day"], name="risk_snapshot_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.day}: {self.score}"


class WeakSignalKind(models.TextChoices):
    FIRST_LATE_PAYMENT = "first_late_payment", _("A good payer's first late payment")
    DELAY_GROWING = "delay_growing", _("Payment delay growing")
    BROKEN_PROMISE = "broken_promise", _("Broken promise")
    RETURNED_PAYMENT = "returned_payment", _("Returned payment")
    SMALL_PARTIAL_PAYMENTS = "small_partial_payments", _("Many small partial payments")
    LIMIT_CROSSED = "limit_crossed", _("Credit limit crossed")
    RATING_DOWNGRADE = "rating_downgrade", _("Rating downgrade")


class WeakSignal(models.Model):
    """A weak signal seen on a customer, told to its rep and finance once: unique per
    (customer, kind, period), the period naming the occurrence (a month, a promise, a
    returned payment). ``reason`` is a sentence kept as data (core.i18n.to_data), read in
    the reader's language."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="weak_signals",
        db_index=False,  # the unique (customer, kind, period) index serves
    )
    kind = models.CharField(_("kind"), max_length=30, choices=WeakSignalKind.choices)
    period = models.CharField(_("occurrence"), max_length=40)
    detected_on = models.DateField(_("detected on"))
    reason = models.JSONField(_("reason"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-detected_on", "-pk"]
        verbose_name = _("weak signal")
        verbose_name_plural = _("weak signals")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "period"], name="weak_signal_once_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.kind} {self.period}"
