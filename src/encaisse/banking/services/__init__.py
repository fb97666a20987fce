"""Bank statements: importing them (``statements``), what their lines become (``lines``), and
finance's reconciliation of what the import could not match (``reconciliation``)."""

from encaisse.banking.services.payments import payment_reference
from encaisse.banking.services.reconciliation import ignore_line, reconcile_line
from encaisse.banking.services.statements import import_bank_statement

__all__ = ["ignore_line", "import_bank_statement", "payment_reference", "reconcile_line"]
