"""What sales and finance know about a customer beyond the ledger: disputes, promises,
the tasks people do about it and the notifications that tell them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.collaboration.models_disputes import (  # disputes live in their own module
    ACTIVE_DISPUTE_STATUSES,
    DISPUTE_TRANSITIONS,
    Dispute,
    DisputeEvent,
    DisputeEventKind,
    DisputeReason,
    DisputeStatus,
)

# Special terms agreed by sales live in their own module; imported here so Django finds them.
from encaisse.collaboration.terms_models import (  # noqa: F401
    SpecialTerms,
    TermsInstalment,
    TermsKind,
    TermsStatus,
)
from encaisse.ledger.models import Customer, Invoice

__all__ = [
    "ACTIVE_DISPUTE_STATUSES",
    "DISPUTE_TRANSITIONS",
    "Dispute",
    "DisputeEvent",
    "DisputeEventKind",
    "DisputeReason",
    "DisputeStatus",
]


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
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
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
    # The day the daily check found it kept or broken (empty while pending).
    decided_on = models.DateField(_("kept or broken on"), null=True, blank=True)

    class Meta:
        ordering = ["-promised_for", "-pk"]
        indexes = [
            models.Index(
                fields=["promised_for"],
                condition=Q(status="pending"),
                name="promise_pending_idx",
            ),
        ]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")

    def __str__(self) -> str:
        return f"{self.customer}: {self.promised_for}"


class TaskKind(models.TextChoices):
    CALL = "call", _("Call")
    TASK = "task", _("Task")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    PROMISE = "promise", _("Promise to pay")
    DISPUTE = "dispute", _("Dispute")
    WRONG_CONTACT = "wrong_contact", _("Wrong contact")


class Task(models.Model):
    """Something a person must do about a customer (a call after two reminders, a document to
    send); whoever created it (a dunning step) waits for its outcome.

    Without an assignee the task is in finance's queue. ``source`` says who created it
    ("dunning-action:42") and is unique when given, so a creator never makes a task twice.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="tasks"
    )
    assignee = models.ForeignKey(
        User,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        help_text=_("Empty: the task is in finance's queue."),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=TaskKind.choices, default=TaskKind.CALL
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    due_on = models.DateField(_("due on"))
    invoices = models.ManyToManyField(
        Invoice, verbose_name=_("invoices"), related_name="tasks", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        User,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What came of the call, when it was a promise or a dispute.
    promise = models.ForeignKey(
        PromiseToPay,
        verbose_name=_("promise to pay"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    dispute = models.ForeignKey(
        Dispute,
        verbose_name=_("dispute"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    source = models.CharField(_("source"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="task_source_unique"
            ),
            models.CheckConstraint(
                condition=(
                    (Q(status=TaskStatus.DONE) & ~Q(outcome=""))
                    | (~Q(status=TaskStatus.DONE) & Q(outcome=""))
                ),
                name="task_outcome_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="task_assignee_open_idx"),
            models.Index(fields=["customer", "status"], name="task_customer_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN


class Notification(models.Model):
    """Tells a person something needs them (in the app, and by e-mail once)."""

    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What it is about: the customer keeps it inside the recipient's portfolio, the task
    # lets the notification be read once the task is done.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Why its e-mail could not be sent, after the job's last retry (empty: sent or pending).
    email_error = models.TextField(_("e-mail error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationDigest(models.Model):
    """The daily e-mail of a person who chose a digest: one a day at most (the unique day),
    holding their notifications not e-mailed yet (each then marked ``emailed_at``)."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    notification_count = models.PositiveIntegerField(_("notifications"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "recipient"]
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"], name="notification_digest_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.day}"


# Notes live in their own module (they change apart from tasks and disputes); Django finds
# them here.
from encaisse.collaboration.note_models import Note as Note  # noqa: E402
from encaisse.collaboration.note_models import NoteMention as NoteMention  # noqa: E402
from encaisse.collaboration.note_models import NoteRevision as NoteRevision  # noqa: E402
from encaisse.collaboration.note_models import NoteState as NoteState  # noqa: E402
