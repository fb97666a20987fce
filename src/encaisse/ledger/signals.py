"""What the ledger tells the apps above it, which it must not know (collaboration listens)."""

from __future__ import annotations

import datetime as dt

from django.dispatch import Signal

from encaisse.core.dates import today

# Invoices were just lettered with customer payments (an import of payments, a bank
# statement, finance reconciling a line), in the sender's transaction. Sent once per import
# or statement with ``allocated``: {invoice id: amount lettered now}, for payments that are
# news (is_news). Collaboration tells each rep, once, which of their customers paid.
invoices_paid = Signal()

# Invoices were added or their amounts changed by an import, in the sender's transaction
# (no arguments: what grew is for the listener to read). Risk checks the credit limits.
invoices_recorded = Signal()

# A payment older than this is history (a first import of last year's payments), not news.
NEWS_DAYS = 30


def is_news(paid_on: dt.date) -> bool:
    """Whether a payment of ``paid_on`` is worth telling the rep about."""
    return paid_on >= today() - dt.timedelta(days=NEWS_DAYS)
