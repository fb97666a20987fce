"""The receivables ledger: legal entities, customers, invoices, payments and lettrage.

An invoice's open amount is derived from its allocations. ``Invoice.open_amount`` and
``settled_on`` (and their twins on Payment) are a cache of that derivation, written only by
``ledger.services.refresh_balances`` so that lists and reports never sum allocations of
items long settled; reports as of a past date recompute from the allocations themselves.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from encaisse.accounts.models import Agency, User
from encaisse.ledger.references import creditor_reference
from encaisse.ledger.vocabulary import (
    InvoiceKind,
    InvoiceQuerySet,
    PaymentQuerySet,
)


class LegalEntity(models.Model):
    """A company of the group that issues invoices (the creditor)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    email = models.EmailField(_("sender e-mail"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # Printed at the head of its letters (PNG or JPEG, checked by ledger.services).
    logo = models.FileField(
        _("logo"), upload_to="logos/", blank=True, max_length=300, db_default=""
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("legal entity")
        verbose_name_plural = _("legal entities")

    def __str__(self) -> str:
        return self.name


class Segment(models.TextChoices):
    KEY_ACCOUNT = "key_account", _("Key account")
    SME = "sme", _("SME")
    SMALL = "small", _("Small business")
    PUBLIC = "public", _("Public sector")


def validate_siren(value: str) -> None:
    if value and not fr_siren.is_valid(value):
        raise ValidationError(_("%(value)s is not a valid SIREN."), params={"value": value})


def validate_siret(value: str) -> None:
    if value and not fr_siret.is_valid(value):
        raise ValidationError(_("%(value)s is not a valid SIRET."), params={"value": value})


def validate_vat_number(value: str) -> None:
    if value and not eu_vat.is_valid(value):
        raise ValidationError(_("%(value)s is not a valid VAT number."), params={"value": value})


class Customer(models.Model):
    entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    external_id = models.CharField(_("external id"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(
        _("VAT number"), max_length=20, blank=True, validators=[validate_vat_number]
    )
    segment = models.CharField(
        _("segment"), max_length=20, choices=Segment.choices, default=Segment.SME
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    credit_limit = models.DecimalField(
        _("credit limit"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    sales_rep = models.ForeignKey(
        User,
        verbose_name=_("sales rep"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portfolio",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Whether its orders must stop, as every page and export shows it: written ONLY by
    # risk.blocking's services (which keep the history, who and why); a test checks it.
    blocked_since = models.DateTimeField(_("blocked since"), null=True, blank=True)
    # A database default too: rows written by code that predates it (old migrations' states).
    blocked_reason = models.CharField(
        _("why it is blocked"), max_length=300, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "external_id"], name="customer_external_id_unique_per_entity"
            ),
        ]
        indexes = [
            models.Index(fields=["sales_rep"], name="customer_sales_rep_idx"),
            models.Index(fields=["agency"], name="customer_agency_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_blocked(self) -> bool:
        return self.blocked_since is not None

    @property
    def creditor_reference(self) -> str:
        """The ISO 11649 reference (RF..) it pays with: on its reminders and QR codes."""
        return creditor_reference(self.pk)


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("main contact for collection"), default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class CustomerChange(models.Model):
    """One change finance made to a customer's collection data in the app: which field, from
    what to what (as the reader saw them), who and when. Imports are on their own runs."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField(_("field"), max_length=50)
    before = models.CharField(_("before"), max_length=300, blank=True)
    after = models.CharField(_("after"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("customer change")
        verbose_name_plural = _("customer changes")
        indexes = [models.Index(fields=["customer", "-changed_at"], name="customer_change_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.field}"


class Invoice(models.Model):
    """An invoice (positive amount) or a credit note (negative amount)."""

    entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="invoices",
        db_index=False,  # the unique (entity, number/reference) index serves
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
        db_index=False,  # the (customer, due date / date) index serves
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    number = models.CharField(_("number"), max_length=50)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    disputed = models.BooleanField(
        _("disputed in the accounting system"),
        default=False,
        help_text=_("Set by the ERP or an import; disputes recorded in Encaisse come on top."),
    )
    # Cache of amount minus allocations (see module docstring); zero once settled.
    open_amount = models.DecimalField(_("open amount"), max_digits=14, decimal_places=2)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    # The ERP's lettering code: open documents of a customer that share it settle each other.
    lettering_code = models.CharField(
        _("lettering code"), max_length=30, blank=True, default="", db_default=""
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "number"], name="invoice_number_unique_per_entity"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=InvoiceKind.INVOICE, amount__gte=0)
                    | Q(kind=InvoiceKind.CREDIT_NOTE, amount__lte=0)
                ),
                name="invoice_positive_credit_note_negative",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("issue_date")),
                name="invoice_due_on_or_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "due_date"], name="invoice_customer_due_idx"),
            models.Index(
                fields=["customer", "due_date"],
                condition=Q(settled_on__isnull=True),
                name="invoice_open_idx",
            ),
            models.Index(fields=["settled_on"], name="invoice_settled_on_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class Payment(models.Model):
    """Money received from a customer, allocated to invoices by lettrage; or, negative, a
    refund: money paid back to the customer, allocated to the credit note it settles."""

    entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,  # the unique (entity, number/reference) index serves
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,  # the (customer, due date / date) index serves
    )
    reference = models.CharField(_("reference"), max_length=80)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # Cache of amount minus allocations (see module docstring); zero once fully allocated.
    unallocated_amount = models.DecimalField(
        _("unallocated amount"), max_digits=14, decimal_places=2
    )
    settled_on = models.DateField(_("fully allocated on"), null=True, blank=True)
    lettering_code = models.CharField(
        _("lettering code"), max_length=30, blank=True, default="", db_default=""
    )
    # A returned payment (impayé): the bank took back ``returns``; this row is the money going
    # out again, negative, and undoes its allocations from its own date.
    returns = models.ForeignKey(
        "self",
        verbose_name=_("returns the payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returned_by",
    )
    return_reason = models.CharField(
        _("return reason (ISO code)"), max_length=4, blank=True, default="", db_default=""
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "reference"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "reference"], name="payment_reference_unique_per_entity"
            ),
            # Negative: a refund, money paid back to the customer (a credit note settled).
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(amount__lt=0), name="payment_amount_not_zero"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "date"], name="payment_customer_date_idx"),
            models.Index(fields=["settled_on"], name="payment_settled_on_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_refund(self) -> bool:
        return self.amount < 0 and self.returns_id is None

    @property
    def is_return(self) -> bool:
        return self.returns_id is not None


class Allocation(models.Model):
    """Lettrage: part of a payment or of a credit note settles part of an invoice; or part of
    a refund (a negative payment) settles part of a credit note, with a negative amount."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="allocations"
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="allocations",
    )
    credit_note = models.ForeignKey(
        Invoice,
        verbose_name=_("credit note"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="allocations_given",
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            # Negative only for a refund settling a credit note (the refund's sign).
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(amount__lt=0, payment__isnull=False),
                name="allocation_amount_signed",
            ),
            models.CheckConstraint(
                condition=(
                    Q(payment__isnull=False, credit_note__isnull=True)
                    | Q(payment__isnull=True, credit_note__isnull=False)
                ),
                name="allocation_from_payment_or_credit_note",
            ),
        ]
        indexes = [
            models.Index(fields=["invoice", "date"], name="allocation_invoice_date_idx"),
            models.Index(fields=["payment", "date"], name="allocation_payment_date_idx"),
            models.Index(fields=["credit_note", "date"], name="allocation_credit_note_idx"),
            models.Index(fields=["date"], name="allocation_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} ← {self.payment or self.credit_note}: {self.amount}"


def invoice_document_path(document: InvoiceDocument, filename: str) -> str:
    """invoices/<entity>/<first two hex digits>/<sha256>.pdf under MEDIA_ROOT."""
    return f"invoices/{document.invoice.entity_id}/{document.sha256[:2]}/{document.sha256}.pdf"


class InvoiceDocument(models.Model):
    """The invoice's PDF as the customer received it (a Factur-X import keeps it), to attach
    to reminders and to show on the customer page. An invoice may get a new PDF; the latest
    is the one used."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=invoice_document_path, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = ["uploaded_at", "pk"]
        verbose_name = _("invoice document")
        verbose_name_plural = _("invoice documents")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "sha256"], name="invoice_document_unique_content"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.original_name}"
