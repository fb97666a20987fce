"""Every import of a file into the ledger leaves an ImportRun: who, what, how it went."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.ledger.models import LegalEntity


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    INVOICES = "invoices", _("Invoices and credit notes")
    PAYMENTS = "payments", _("Payments")
    FEC = "fec", _("Accounting entries (FEC)")
    BANK = "bank", _("Bank statement")
    FACTURX = "facturx", _("Factur-X invoice")
    RATINGS = "ratings", _("Credit ratings")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking the rows")
    WRITING = "writing", _("Writing to the ledger")
    SUCCEEDED = "succeeded", _("Imported")
    PARTIAL = "partial", _("Imported, some rows rejected")
    FAILED = "failed", _("Nothing imported")


FINISHED = frozenset({ImportStatus.SUCCEEDED, ImportStatus.PARTIAL, ImportStatus.FAILED})


class ImportOrigin(models.TextChoices):
    COMMAND_LINE = "command_line", _("Command line")
    UPLOAD = "upload", _("Upload")


class ImportRun(models.Model):
    """One import of one file, from the command line or an upload, whatever its outcome."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=ImportOrigin.choices, default=ImportOrigin.UPLOAD
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    stored_file = models.CharField(_("stored file"), max_length=500, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    progress_done = models.PositiveIntegerField(_("rows read"), default=0)
    progress_total = models.PositiveIntegerField(_("rows expected"), default=0)
    # How it went, kept as plain data and translated when read (imports.report): the message
    # and each note are a core.i18n sentence ({"msgid": ..., "values": {...}}) or, for runs
    # recorded before, an English text; so is the reason of each problem.
    message = models.JSONField(_("message"), default=str, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    file_format = models.JSONField(_("file format"), default=dict, blank=True)
    rejects_file = models.CharField(_("rejected rows file"), max_length=500, blank=True)
    # An upload's background job (imports.jobs): the process running it ("host:pid:token"),
    # its last sign of life (when it was queued, then its heartbeat), how many times it was
    # started, and how many of those its worker was lost (the process stopped mid-way).
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    interruptions = models.PositiveSmallIntegerField(_("interruptions"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["-created_at"], name="import_run_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(100 * self.progress_done / self.progress_total))
