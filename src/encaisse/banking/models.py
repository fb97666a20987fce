"""Bank statements as the bank sent them, one line per movement, and what became of each.

A credit line becomes a ledger Payment once its customer is known (at import when it is
certain, or when finance reconciles it); a debit is kept, marked ignored. ``BankLine`` is
unique per account by ``unique_key`` so that importing a statement again adds nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.imports.models import ImportRun
from encaisse.ledger.models import Customer, LegalEntity, Payment


class BankAccount(models.Model):
    """An account of a legal entity, as its statements name it (an IBAN, most of the time)."""

    entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="bank_accounts",
    )
    identifier = models.CharField(
        _("account"), max_length=64, help_text=_("The IBAN, or the bank's account number.")
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["entity", "identifier"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "identifier"], name="bank_account_unique_per_entity"
            ),
        ]

    def __str__(self) -> str:
        return self.iban or self.identifier


class BankStatement(models.Model):
    """One statement of one account, from one imported file."""

    account = models.ForeignKey(
        BankAccount,
        verbose_name=_("bank account"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    identifier = models.CharField(_("statement"), max_length=120)
    from_date = models.DateField(_("from"), null=True, blank=True)
    to_date = models.DateField(_("to"), null=True, blank=True)
    file_format = models.CharField(_("format"), max_length=40)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_statements",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "sha256", "identifier"],
                name="bank_statement_unique_per_file",
            ),
        ]
        indexes = [models.Index(fields=["sha256"], name="bank_statement_sha256_idx")]

    def __str__(self) -> str:
        return f"{self.account} · {self.identifier}"


class LineStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    TO_RECONCILE = "to_reconcile", _("To reconcile")
    IGNORED = "ignored", _("Ignored")


class MatchMethod(models.TextChoices):
    INVOICE_NUMBERS = "invoice_numbers", _("Invoice numbers in the remittance information")
    CREDITOR_REFERENCE = "creditor_reference", _("The customer's creditor reference (RF)")
    IBAN_AMOUNT = "iban_amount", _("Known IBAN and amount")
    NAME_AMOUNT = "name_amount", _("Customer name and amount")
    MANUAL = "manual", _("Reconciled by hand")
    ALREADY_RECORDED = "already_recorded", _("Payment already in the ledger (ERP import)")
    DEBIT = "debit", _("Debit (money out)")
    RETURNED = "returned", _("Payment returned by the bank")
    REFUND = "refund", _("Refund of a credit note to the customer")
    NOT_A_CUSTOMER = "not_a_customer", _("Not a customer payment")


class BankLine(models.Model):
    """One movement of a statement: a credit (money in) or a debit (money out)."""

    statement = models.ForeignKey(
        BankStatement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    account = models.ForeignKey(
        BankAccount, verbose_name=_("bank account"), on_delete=models.PROTECT, related_name="lines"
    )
    entry = models.PositiveIntegerField(_("entry in the file"))
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, help_text=_("Negative for a debit.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    remittance_info = models.TextField(_("remittance information"), blank=True)
    additional_info = models.TextField(_("bank's wording"), blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=80, blank=True)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=80, blank=True)
    transaction_code = models.CharField(_("transaction code"), max_length=40, blank=True)
    # A returned payment: the ISO reason code the bank gives (AC04, AM04, MD06...).
    return_reason = models.CharField(_("return reason"), max_length=4, blank=True, default="")
    unique_key = models.CharField(_("unique key"), max_length=64)
    status = models.CharField(
        _("status"), max_length=14, choices=LineStatus.choices, default=LineStatus.TO_RECONCILE
    )
    match_method = models.CharField(
        _("matched by"), max_length=20, choices=MatchMethod.choices, blank=True
    )
    payment = models.OneToOneField(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_line",
    )
    reconciled_by = models.ForeignKey(
        User,
        verbose_name=_("reconciled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)

    class Meta:
        ordering = ["booking_date", "pk"]
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "unique_key"], name="bank_line_unique_per_account"
            ),
        ]
        indexes = [
            models.Index(
                fields=["booking_date"],
                condition=models.Q(status="to_reconcile"),
                name="bank_line_to_reconcile_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.counterparty_name}"

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


class CustomerIban(models.Model):
    """An IBAN a customer paid from: the next transfer from it names the customer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="ibans"
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    learned_from = models.ForeignKey(
        BankLine,
        verbose_name=_("learned from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["iban"]
        verbose_name = _("customer IBAN")
        verbose_name_plural = _("customer IBANs")
        constraints = [
            models.UniqueConstraint(fields=["customer", "iban"], name="customer_iban_unique"),
        ]
        indexes = [models.Index(fields=["iban"], name="customer_iban_idx")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.iban}"
