"""Scenarios and their steps, message templates, runs and the actions they planned.

Never twice: an action has a unique key (customer, step, invoice set) and each invoice
gets each step at most once (unique invoice + step on ActionItem), both enforced by the
database, so a second run or two runs at once cannot plan the same thing again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.collaboration.models import Task
from encaisse.dunning.engine import Actor, Channel
from encaisse.dunning.labels import ACTOR_LABELS, CHANNEL_LABELS
from encaisse.ledger.models import Customer, Invoice, Segment


class Scenario(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default scenario"),
        default=False,
        help_text=_("Applies to customers whose segment no other scenario takes."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_scenario"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioSegment(models.Model):
    """A segment belongs to one scenario at a time."""

    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, unique=True)
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="segments")

    class Meta:
        verbose_name = _("scenario segment")
        verbose_name_plural = _("scenario segments")

    def __str__(self) -> str:
        return f"{self.segment} → {self.scenario}"


class Step(models.Model):
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.SlugField(_("key"), max_length=50)
    offset_days = models.SmallIntegerField(
        _("days from due date"), help_text=_("Negative: a courtesy reminder before the due date.")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=list(CHANNEL_LABELS.items()))
    actor = models.CharField(
        _("actor"),
        max_length=20,
        choices=list(ACTOR_LABELS.items()),
        default=Actor.FINANCE.value,
    )
    template = models.SlugField(_("template"), max_length=50, blank=True)
    requires_approval = models.BooleanField(_("finance approves before it goes out"), default=False)
    min_amount = models.DecimalField(
        _("minimum amount"), max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["scenario", "position"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "key"], name="step_key_unique_in_scenario"),
            models.UniqueConstraint(
                fields=["scenario", "position"], name="step_position_unique_in_scenario"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} / {self.key}"


class MessageTemplate(models.Model):
    """Subject and body of a message, per language; Django template syntax for variables."""

    key = models.SlugField(_("key"), max_length=50)
    language = models.CharField(_("language"), max_length=5, default="fr")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="template_key_language")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class DunningProfile(models.Model):
    """How one customer is dunned, when it differs from its segment's scenario."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="dunning_profile"
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    on_hold_until = models.DateField(_("on hold until"), null=True, blank=True)

    class Meta:
        verbose_name = _("dunning profile")
        verbose_name_plural = _("dunning profiles")

    def __str__(self) -> str:
        return str(self.customer)


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DunningRun(models.Model):
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    customers = models.PositiveIntegerField(default=0)
    actions = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("dunning run")
        verbose_name_plural = _("dunning runs")

    def __str__(self) -> str:
        return f"{self.as_of} ({self.status})"


class ActionState(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PLANNED = "planned", _("Planned")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DONE = "done", _("Done")  # a human step whose outcome is recorded
    CANCELLED = "cancelled", _("Cancelled")


PAID_BEFORE_SENDING = "paid"  # outcome of an action cancelled because all was settled


class DunningAction(models.Model):
    """One step for one customer over the invoices that reached it."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    run = models.ForeignKey(DunningRun, on_delete=models.SET_NULL, null=True, related_name="+")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="dunning_actions",
    )
    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.PROTECT, related_name="actions"
    )
    planned_for = models.DateField(_("planned for"))
    state = models.CharField(
        _("state"), max_length=20, choices=ActionState.choices, default=ActionState.PLANNED
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    # A call or task step: the person's task; the scenario waits until it is done.
    task = models.OneToOneField(
        Task,
        verbose_name=_("task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dunning_action",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-planned_for", "customer"]
        verbose_name = _("dunning action")
        verbose_name_plural = _("dunning actions")
        indexes = [
            models.Index(fields=["state", "planned_for"], name="action_state_idx"),
            models.Index(fields=["customer", "planned_for"], name="action_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} / {self.step.key} ({self.planned_for})"

    @property
    def status_label(self) -> str:
        """What happened, in words: a sent action says what happened to its message (a
        letter generated, printed or posted), a cancelled one why when it is known, a call
        or task step what its task says now (done with its outcome as soon as it is
        recorded, not at the next run)."""
        task = self.task if self.task_id is not None else None
        if task is not None and self.state in {ActionState.PLANNED, ActionState.DONE}:
            if task.outcome:
                return str(_("Done: %(outcome)s") % {"outcome": task.get_outcome_display()})
            return str(task.get_status_display())
        message = getattr(self, "message", None)
        if self.state == ActionState.SENT and message is not None:
            return str(message.status.label)
        if self.state == ActionState.CANCELLED and self.outcome == PAID_BEFORE_SENDING:
            return str(_("Cancelled: paid before it went out"))
        return str(self.get_state_display())


class ActionChange(models.Model):
    """One change of an action's state: from what, to what, by whom (None: the outbox or the
    run) and when. Written by ``dunning.states.move_actions`` only."""

    action = models.ForeignKey(DunningAction, on_delete=models.CASCADE, related_name="changes")
    from_state = models.CharField(_("from"), max_length=20, choices=ActionState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ActionState.choices)
    changed_by = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("change of a dunning action")
        verbose_name_plural = _("changes of dunning actions")

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_state} → {self.to_state}"


class ActionItem(models.Model):
    """An invoice listed in an action. An invoice gets each step at most once."""

    action = models.ForeignKey(DunningAction, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="dunning_items")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    open_amount = models.DecimalField(max_digits=14, decimal_places=2)
    days_past_due = models.IntegerField()

    class Meta:
        verbose_name = _("dunned invoice")
        verbose_name_plural = _("dunned invoices")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="invoice_gets_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.invoice} / {self.step.key}"


LETTER = Channel.LETTER.value


class MessageState(models.TextChoices):
    PENDING = "pending", _("To send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DeliveryStatus(models.TextChoices):
    """What happened to a message, in words: for a letter, "sent" means its PDF was made;
    it is then printed, then posted, by finance."""

    PENDING = "pending", _("To send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    GENERATED = "generated", _("Generated, to print")
    PRINTED = "printed", _("Printed, to post")
    POSTED = "posted", _("Posted")


class OutboundMessage(models.Model):
    """The e-mail, letter or SMS of an action, and its sending log.

    pending → sending (claimed by one worker) → sent, or back to pending with a delay after
    an error, or failed after the last attempt. A worker that dies leaves its message in
    ``sending``; once the claim is stale the message is sent again with the same Message-ID.
    A letter's "sent" is its PDF; finance then records it printed and posted.

    ``facts`` are what the message states (``composing.facts.MessageFacts``), computed once
    when it was composed: the text, the copy on screen and the PDF all come from them.
    Messages composed before they existed have none and are composed again before sending.
    """

    action = models.OneToOneField(DunningAction, on_delete=models.CASCADE, related_name="message")
    channel = models.CharField(_("channel"), max_length=10)
    language = models.CharField(_("language"), max_length=5, default="fr")
    recipient = models.CharField(_("recipient"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    document = models.CharField(_("document"), max_length=300, blank=True)
    facts = models.JSONField(_("what the message states"), null=True, blank=True)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_by = models.ForeignKey(
        User,
        verbose_name=_("posted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tracking_number = models.CharField(_("registered letter number"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="message_queue_idx")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient or '?'} ({self.state})"

    @property
    def status(self) -> DeliveryStatus:
        """What happened to it (``status_filter`` is the same rule as a query)."""
        if self.channel == LETTER and self.state == MessageState.SENT:
            if self.posted_on is not None:
                return DeliveryStatus.POSTED
            if self.printed_at is not None:
                return DeliveryStatus.PRINTED
            return DeliveryStatus.GENERATED
        return DeliveryStatus(self.state)

    @staticmethod
    def status_filter(status: DeliveryStatus) -> Q:
        """The messages whose ``status`` is ``status``, as a query."""
        generated = Q(channel=LETTER, state=MessageState.SENT)
        if status == DeliveryStatus.POSTED:
            return generated & Q(posted_on__isnull=False)
        if status == DeliveryStatus.PRINTED:
            return generated & Q(posted_on__isnull=True, printed_at__isnull=False)
        if status == DeliveryStatus.GENERATED:
            return generated & Q(posted_on__isnull=True, printed_at__isnull=True)
        if status == DeliveryStatus.SENT:
            return Q(state=MessageState.SENT) & ~Q(channel=LETTER)
        return Q(state=status.value)


class HoldStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for finance")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class HoldRequest(models.Model):
    """A sales rep asks finance to hold reminders on invoices (they know something finance
    does not). While the request waits and once approved, the invoices are not dunned
    until ``hold_until``; a refusal lets dunning go on."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="holds"
    )
    invoices = models.ManyToManyField(Invoice, verbose_name=_("invoices"), related_name="holds")
    step_key = models.SlugField(_("step"), max_length=50, blank=True)
    reason = models.TextField(_("reason"))
    hold_until = models.DateField(_("hold until"))
    status = models.CharField(
        _("status"), max_length=10, choices=HoldStatus.choices, default=HoldStatus.PENDING
    )
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("hold request")
        verbose_name_plural = _("hold requests")

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_status_display()}"
