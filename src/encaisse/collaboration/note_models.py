"""Notes people write on a customer (about an invoice or a dispute, if they say so), every
version of them, and who they mention. Imported by ``models`` so Django knows them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer, Invoice


class NoteState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Note(models.Model):
    """What someone knows about a customer, in a few lines. Never deleted: its author may
    change it for a short while (each version is a NoteRevision) or withdraw it (the text
    stays in its history)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="notes"
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
    )
    dispute = models.ForeignKey(
        "collaboration.Dispute",
        verbose_name=_("dispute"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
    )
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("note"))
    state = models.CharField(
        _("state"), max_length=10, choices=NoteState.choices, default=NoteState.PUBLISHED
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["customer", "-created_at"], name="note_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer}: {self.body[:40]}"

    @property
    def is_withdrawn(self) -> bool:
        return self.state == NoteState.WITHDRAWN


class NoteRevision(models.Model):
    """One version of a note, as its author wrote it (the first one included)."""

    note = models.ForeignKey(
        Note, verbose_name=_("note"), on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("text"))
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("version of a note")
        verbose_name_plural = _("versions of notes")

    def __str__(self) -> str:
        return f"{self.note_id} @ {self.written_at:%Y-%m-%d %H:%M}"


class NoteMention(models.Model):
    """Someone a note mentions (@username): told once, and listed in "notes mentioning me"."""

    note = models.ForeignKey(
        Note, verbose_name=_("note"), on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        User, verbose_name=_("mentioned"), on_delete=models.CASCADE, related_name="note_mentions"
    )
    created_at = models.DateTimeField(_("mentioned at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["note", "user"], name="note_mention_once"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id} → {self.user_id}"
