from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankingConfig(AppConfig):
    name = "encaisse.banking"
    label = "banking"
    verbose_name = _("Bank statements")

    def ready(self) -> None:
        from encaisse.banking.services.statements import run_bank_statement
        from encaisse.imports.file_kinds import FileKind, register_file_kind

        register_file_kind(
            FileKind(
                name="bank",
                help=_(
                    "a bank statement: camt.053 (ISO 20022 XML), MT940 or OFX; credits become "
                    "payments, lettered to invoices when certain, the others wait in the "
                    "reconciliation queue"
                ),
                run=run_bank_statement,
                suffixes=(".xml", ".sta", ".mt940", ".940", ".ofx", ".qfx"),
            )
        )
