"""Credit ratings from the agencies, and the credit-insurance cover of each customer.

Both keep their history: a rating is never overwritten (the latest by date is the current
one), a cover recorded again is a new version (the latest recorded is the current one).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.imports.models import ImportRun
from encaisse.ledger.models import Customer


class CreditRating(models.Model):
    """What a credit agency said of a customer on a day (one row of a ratings file)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="ratings"
    )
    source = models.CharField(_("source"), max_length=60, blank=True)
    rated_on = models.DateField(_("rating date"))
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    recommended_limit = models.DecimalField(
        _("recommended limit"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    incidents = models.PositiveIntegerField(_("incidents"), null=True, blank=True)
    # Why this rating is worse than the one before it (core.i18n data), empty when it is not.
    downgrade = models.JSONField(_("downgrade"), default=list, blank=True)
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rated_on", "-pk"]
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "source", "rated_on"], name="rating_once_per_source_and_day"
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=100) | models.Q(score__isnull=True),
                name="rating_score_at_most_100",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-rated_on"], name="rating_latest_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.source} {self.rated_on}"


class CoverKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    TEMPORARY = "temporary", _("Temporary")


class InsuranceCover(models.Model):
    """A version of a customer's credit-insurance cover, as finance recorded it. An amount of
    zero records that the insurer withdrew its cover."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="covers"
    )
    insurer = models.CharField(_("insurer"), max_length=100)
    amount = models.DecimalField(_("amount covered"), max_digits=14, decimal_places=2)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CoverKind.choices, default=CoverKind.PERMANENT
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # When finance was told the cover expires soon (once per version).
    expiry_announced_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("credit-insurance cover")
        verbose_name_plural = _("credit-insurance covers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cover_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="temporary") | models.Q(expires_on__isnull=False),
                name="temporary_cover_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-recorded_at"], name="cover_latest_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.insurer} {self.amount}"
