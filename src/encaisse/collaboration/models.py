"""What sales and finance know about a customer beyond the ledger: disputes, promises."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer, Invoice


class DisputeReason(models.TextChoices):
    PRICE = "price", _("Price or discount")
    QUANTITY = "quantity", _("Quantity or delivery")
    QUALITY = "quality", _("Quality or damage")
    NOT_ORDERED = "not_ordered", _("Not ordered")
    ALREADY_PAID = "already_paid", _("Already paid")
    PAPERWORK = "paperwork", _("Missing document (PO, proof of delivery)")
    OTHER = "other", _("Other")


class Dispute(models.Model):
    """A customer contests invoices; dunning pauses them while the dispute is open."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="disputes"
    )
    invoices = models.ManyToManyField(Invoice, verbose_name=_("invoices"), related_name="disputes")
    reason = models.CharField(_("reason"), max_length=20, choices=DisputeReason.choices)
    note = models.TextField(_("note"), blank=True)
    opened_by = models.ForeignKey(
        User,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_reason_display()}"


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")


class PromiseToPay(models.Model):
    """The customer said it would pay by a date; dunning waits until then."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="promises"
    )
    invoices = models.ManyToManyField(Invoice, verbose_name=_("invoices"), related_name="promises")
    promised_for = models.DateField(_("promised for"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.PENDING
    )
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_on = models.DateField(_("recorded on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-promised_for", "-pk"]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")

    def __str__(self) -> str:
        return f"{self.customer}: {self.promised_for}"
