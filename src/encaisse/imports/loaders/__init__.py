"""Loaders: canonical rows checked against the ledger, staged, then upserted set-based.

A loader sees a file chunk by chunk (``check``): it looks up in bulk what the rows refer
to (customers, reps, agencies, the records already stored), decides for each row whether
it creates, updates, changes nothing or is rejected (adding the reason to the row), and
stages the good rows. ``write`` then applies the whole stage in a few statements, inside
the caller's transaction, and refreshes the open-amount cache of what it touched.

Upserts are by key: a customer's external id, an invoice's number, a payment's reference,
within one legal entity. A row equal to what is stored changes nothing, so importing a
file twice is harmless. Only the columns present in the file are compared and written.
"""

from __future__ import annotations

from encaisse.imports.fields import Kind
from encaisse.imports.loaders.base import Counts, EntityChoice, Loader
from encaisse.imports.loaders.customers import CustomerLoader
from encaisse.imports.loaders.invoices import InvoiceLoader
from encaisse.imports.loaders.payments import PaymentLoader

LOADERS: dict[Kind, type[CustomerLoader] | type[InvoiceLoader] | type[PaymentLoader]] = {
    Kind.CUSTOMERS: CustomerLoader,
    Kind.INVOICES: InvoiceLoader,
    Kind.PAYMENTS: PaymentLoader,
}

__all__ = ["LOADERS", "Counts", "CustomerLoader", "EntityChoice", "InvoiceLoader", "Loader",
           "PaymentLoader"]  # fmt: skip
