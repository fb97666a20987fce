"""Credit limits beyond the ledger's amount: a limit in days, a temporary amount limit,
orders not yet invoiced (exposure), the alerts already given (once per crossing), the
history of what finance changed, and the limit requests sales make."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer


class CustomerLimits(models.Model):
    """What a customer may owe beyond ``Customer.credit_limit`` (the permanent amount)."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="risk_limits", primary_key=True
    )
    oldest_days_limit = models.PositiveSmallIntegerField(
        _("oldest overdue item: at most this many days past due"), null=True, blank=True
    )
    average_days_limit = models.PositiveSmallIntegerField(
        _("weighted average days past due: at most"), null=True, blank=True
    )
    temporary_limit = models.DecimalField(
        _("temporary credit limit"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    temporary_until = models.DateField(_("temporary limit until"), null=True, blank=True)
    uninvoiced_orders = models.DecimalField(
        _("orders not yet invoiced"), max_digits=14, decimal_places=2, default=0
    )
    uninvoiced_as_of = models.DateField(_("orders not yet invoiced, as of"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer limits")
        verbose_name_plural = _("customer limits")

    def __str__(self) -> str:
        return str(self.customer_id)


class LimitChange(models.Model):
    """A change of a customer's limits made in the app (who, when, from what to what)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="limit_changes")
    field = models.CharField(max_length=40)
    before = models.CharField(max_length=100, blank=True)
    after = models.CharField(max_length=100, blank=True)
    changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.field}"


class LimitBreach(models.TextChoices):
    AMOUNT_WARNING = "amount_80", _("Near the amount limit (from 80 %)")
    AMOUNT_OVER = "amount_100", _("Over the amount limit")
    OLDEST_DAYS = "oldest_days", _("Oldest item too late")
    AVERAGE_DAYS = "average_days", _("Average delay too long")


class LimitAlert(models.Model):
    """A crossing already told: one row per customer and kind while it lasts; deleted when
    the customer is back under, so that the next crossing is told again."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=LimitBreach.choices)
    since = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind"], name="limit_alert_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.kind}"


class LimitRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("To decide")
    APPROVED = "approved", _("Approved")
    COUNTERED = "countered", _("Counter-proposed")
    REFUSED = "refused", _("Refused")


class LimitRequest(models.Model):
    """A rep or an agency manager asks finance for a new credit limit."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="limit_requests")
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    amount = models.DecimalField(_("limit asked"), max_digits=14, decimal_places=2)
    temporary_until = models.DateField(_("until (temporary)"), null=True, blank=True)
    justification = models.TextField(_("justification"))
    current_limit = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=LimitRequestStatus.choices, default=LimitRequestStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decided_until = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "requested_at"], name="limit_request_status_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.amount}"

    @property
    def is_pending(self) -> bool:
        return self.status == LimitRequestStatus.REQUESTED
