"""What reporting keeps: which weekly portfolio e-mail went to whom."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User


class PortfolioDigestDelivery(models.Model):
    """The weekly portfolio e-mail of one user for one ISO week ("2026-W49").

    The row is claimed (created) before the e-mail is sent, under a unique (user, week), so two
    runs at once never send it twice; it is deleted again if sending fails, and ``sent_at``
    says it went out.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="portfolio_digests",
    )
    week = models.CharField(_("week"), max_length=8)
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-week", "user_id"]
        verbose_name = _("weekly portfolio e-mail")
        verbose_name_plural = _("weekly portfolio e-mails")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="portfolio_digest_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.week}"
