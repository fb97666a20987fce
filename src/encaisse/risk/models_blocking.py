"""Blocking: each time a customer was blocked (by finance or by a rule), why, and how it
ended; the requests to unblock that need a second person's approval. The customer's current
state (``ledger.Customer.blocked_since``/``blocked_reason``) is kept by risk.blocking."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer


class Block(models.Model):
    """One blocking of a customer, from ``blocked_at`` until ``unblocked_at`` (open: now)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="blocks"
    )
    reason = models.CharField(_("reason"), max_length=300)
    # Who blocked: a person, or a rule (its key in risk.blocking_rules) when ``blocked_by``
    # is empty.
    blocked_by = models.ForeignKey(
        User, verbose_name=_("blocked by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    rule = models.CharField(_("rule"), max_length=50, blank=True)
    blocked_at = models.DateTimeField(_("blocked at"))
    unblocked_at = models.DateTimeField(_("unblocked at"), null=True, blank=True)
    unblocked_by = models.ForeignKey(
        User, verbose_name=_("unblocked by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Who lifted it (the approver, when a second person had to: the request says who asked).
    unblock_reason = models.CharField(_("why it was unblocked"), max_length=300, blank=True)

    class Meta:
        ordering = ["-blocked_at", "-pk"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            # A customer is blocked once at a time: two clicks, or a rule and a person at
            # once, never make two open blocks.
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(unblocked_at__isnull=True),
                name="risk_one_open_block_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ({self.blocked_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.unblocked_at is None


class UnblockStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class UnblockRequest(models.Model):
    """A request to unblock, approved or refused by another finance user (when
    settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL is on)."""

    block = models.ForeignKey(
        Block, verbose_name=_("block"), on_delete=models.CASCADE, related_name="unblock_requests"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )  # fmt: skip
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=UnblockStatus.choices, default=UnblockStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("request to unblock")
        verbose_name_plural = _("requests to unblock")
        constraints = [
            models.UniqueConstraint(
                fields=["block"],
                condition=models.Q(status="pending"),
                name="risk_one_pending_unblock_request_per_block",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ({self.get_status_display()})"
