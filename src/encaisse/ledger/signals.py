"""What the ledger tells the apps above it, which it must not know (collaboration listens)."""

from __future__ import annotations

from django.dispatch import Signal

# Invoices were just lettered with customer payments (an import of payments, a bank
# statement, finance reconciling a line), in the sender's transaction. Sent once per import
# or statement with ``allocated``: {invoice id: amount lettered now}. Collaboration tells
# each rep, once, which of their customers paid.
invoices_paid = Signal()
