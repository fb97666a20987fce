"""Special terms agreed by sales: a longer due date, an instalment plan or a discount on a
customer or one invoice, proposed by a rep and confirmed or refused by finance.

Confirmed terms change what dunning reminds (dunning.snapshots reads them): a new due date,
or one due date per instalment. A discount is for finance to read: no amount changes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer, Invoice


class TermsKind(models.TextChoices):
    EXTENDED_DUE_DATE = "extended_due_date", _("Longer due date")
    INSTALMENTS = "instalments", _("Instalment plan")
    DISCOUNT = "discount", _("Discount")


class TermsStatus(models.TextChoices):
    PROPOSED = "proposed", _("To confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Replaced")


def terms_document_path(terms: SpecialTerms, filename: str) -> str:
    """terms/<customer>/<sha256>.<extension> under MEDIA_ROOT (never the name given)."""
    extension = filename.rsplit(".", 1)[-1]
    return f"terms/{terms.customer_id}/{terms.document_sha256}.{extension}"


class SpecialTerms(models.Model):
    """Terms a rep agreed at the sale, on one invoice or on every invoice of a customer
    issued from ``applies_from``."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="special_terms",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="special_terms",
        help_text=_("Empty: every invoice of the customer issued from the date given."),
    )
    applies_from = models.DateField(_("applies to invoices issued from"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TermsKind.choices)
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    extra_days = models.PositiveIntegerField(_("extra days"), null=True, blank=True)
    discount_amount = models.DecimalField(
        _("discount amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    document = models.FileField(
        _("document"), upload_to=terms_document_path, max_length=300, blank=True
    )
    document_name = models.CharField(_("document name"), max_length=255, blank=True)
    document_type = models.CharField(_("document type"), max_length=50, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TermsStatus.choices, default=TermsStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        User,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("special terms")
        verbose_name_plural = _("special terms")
        indexes = [
            models.Index(fields=["customer", "status"], name="terms_customer_status_idx"),
            models.Index(fields=["status", "proposed_at"], name="terms_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_kind_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == TermsStatus.PROPOSED


class TermsInstalment(models.Model):
    """One instalment of a plan: what is due on which date."""

    terms = models.ForeignKey(SpecialTerms, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return f"{self.due_date}: {self.amount}"
