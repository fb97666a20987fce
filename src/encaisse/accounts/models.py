"""Users, their roles and the agencies of the sales organisation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    FINANCE = "finance", _("Finance")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    AGENCY_MANAGER = "agency_manager", _("Agency manager")
    SALES_REP = "sales_rep", _("Sales rep")
    VIEWER = "viewer", _("Viewer")


class Agency(models.Model):
    """A branch of the sales organisation (an agency owns customers of its area)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class NotificationDelivery(models.TextChoices):
    """How a person hears of their notifications outside the app (in the app, always)."""

    IMMEDIATELY = "immediately", _("An e-mail for each notification, at once")
    DAILY_DIGEST = "daily_digest", _("One e-mail a day with the day's notifications")
    NONE = "none", _("No e-mail (in the app only)")


class User(AbstractUser):
    """A person using Encaisse; what they see follows from their role (see ledger.scoping)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("The agency the person works in."),
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("sales manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        help_text=_("For a sales rep: the sales manager who leads them."),
    )
    managed_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("managed agencies"),
        blank=True,
        related_name="managers",
        help_text=_("For an agency manager: the agencies they are responsible for."),
    )

    # Empty: not chosen yet; the pages follow the browser, what is written to the person
    # (tasks, notifications, e-mails) is in French (collaboration.notifications.language_of).
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",  # rows written by code that predates the field (a migration's)
        help_text=_("The pages, tasks, notifications and e-mails are in this language."),
    )
    notification_delivery = models.CharField(
        _("notifications by e-mail"),
        max_length=20,
        choices=NotificationDelivery.choices,
        default=NotificationDelivery.IMMEDIATELY,
        db_default=NotificationDelivery.IMMEDIATELY,
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
