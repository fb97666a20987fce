"""Disputes (litiges): a customer contests invoices, someone owns the answer, and every change
is kept in the dispute's history. Dunning pauses the invoices while a dispute is active."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer, Invoice


class DisputeReason(models.TextChoices):
    PRICE = "price", _("Price or discount")
    QUANTITY = "quantity", _("Quantity")
    QUALITY = "quality", _("Quality or damage")
    DELIVERY = "delivery", _("Delivery")
    SALES_TERMS = "sales_terms", _("Terms agreed by sales")
    DUPLICATE = "duplicate", _("Duplicate invoice")
    ALREADY_PAID = "already_paid", _("Already paid")
    OTHER = "other", _("Other")


class DisputeStatus(models.TextChoices):
    # In context: "Open" is also the open amount of an invoice ("Reste dû").
    OPEN = "open", pgettext_lazy("dispute status", "Open")
    INVESTIGATING = "investigating", pgettext_lazy("dispute status", "Investigating")
    CREDITED = "credited", pgettext_lazy("dispute status", "Resolved by credit note")
    REJECTED = "rejected", pgettext_lazy("dispute status", "Resolved as rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("dispute status", "Withdrawn")


# The one statement of the workflow: from each status, where a dispute may go. A dispute is
# active (its invoices paused) in the statuses that lead somewhere; the others are final.
DISPUTE_TRANSITIONS: dict[str, frozenset[str]] = {
    DisputeStatus.OPEN: frozenset(
        {
            DisputeStatus.INVESTIGATING,
            DisputeStatus.CREDITED,
            DisputeStatus.REJECTED,
            DisputeStatus.WITHDRAWN,
        }
    ),
    DisputeStatus.INVESTIGATING: frozenset(
        {DisputeStatus.CREDITED, DisputeStatus.REJECTED, DisputeStatus.WITHDRAWN}
    ),
    DisputeStatus.CREDITED: frozenset(),
    DisputeStatus.REJECTED: frozenset(),
    DisputeStatus.WITHDRAWN: frozenset(),
}
ACTIVE_DISPUTE_STATUSES = frozenset(
    status for status, targets in DISPUTE_TRANSITIONS.items() if targets
)


class DisputeQuerySet(models.QuerySet["Dispute"]):
    def active(self) -> DisputeQuerySet:
        """Open or under investigation: the invoices wait for the answer."""
        return self.filter(status__in=ACTIVE_DISPUTE_STATUSES)

    def closed(self) -> DisputeQuerySet:
        return self.exclude(status__in=ACTIVE_DISPUTE_STATUSES)


class Dispute(models.Model):
    """A customer contests invoices (all of them, or ``amount`` of what is open on them);
    dunning pauses those invoices while the dispute is active."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="disputes"
    )
    invoices = models.ManyToManyField(Invoice, verbose_name=_("invoices"), related_name="disputes")
    reason = models.CharField(_("reason"), max_length=20, choices=DisputeReason.choices)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DisputeStatus.choices,
        default=DisputeStatus.OPEN,
        db_default=DisputeStatus.OPEN,
    )
    # Empty: the whole open amount of the invoices is contested.
    amount = models.DecimalField(
        _("disputed amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    owner = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_disputes",
    )
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        User,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"))
    # Set when the dispute reaches a final status: the resolution time is measured from it.
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    credit_note = models.ForeignKey(
        Invoice,
        verbose_name=_("credit note"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_disputes",
    )
    # Finance was told it passed its due date (once; a new due date lets it be told again).
    overdue_notified_on = models.DateField(_("overdue notified on"), null=True, blank=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="dispute_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="dispute_status_due_idx"),
            models.Index(fields=["owner", "status"], name="dispute_owner_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_reason_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_DISPUTE_STATUSES


class DisputeEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    STATUS = "status", _("Status changed")
    OWNER = "owner", _("Owner changed")
    DUE_DATE = "due_date", _("Due date changed")
    COMMENT = "comment", _("Comment")


class DisputeEvent(models.Model):
    """One change of a dispute, or a comment: who, when, from what to what. Never edited."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DisputeEventKind.choices)
    by = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    on = models.DateField(_("on"))
    # Machine values (a status, a user id, an ISO date); the page shows them as labels.
    from_value = models.CharField(_("from"), max_length=100, blank=True)
    to_value = models.CharField(_("to"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.kind} {self.from_value}→{self.to_value}"
