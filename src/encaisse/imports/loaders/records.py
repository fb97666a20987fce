"""What a loader reads of a stored record and stages for it, one typed record per kind.

A record holds the model fields a loader compares and writes (named as the model's
columns), read back from the ledger as ``existing`` records (with ``id``) or decided for a
row by ``Loader.values``, plus the staging columns that are not model fields: what to do
after the write. Keys are declared here, so a misspelt key is a type error, not a silent
miss; the loaders still read them by name where the kind's field list says which to
compare (``Loader.fields``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict


class Staging(TypedDict, total=False):
    """The staging columns every kind shares."""

    id: int  # a stored record's id (absent for a new one)
    refresh: bool  # open amounts to recompute after the write (ledger.refresh_balances)
    force_update: bool  # written even when no compared field changed (something to link)


class CustomerRecord(Staging, total=False):
    external_id: str
    name: str
    siren: str
    siret: str
    vat_number: str
    segment: str
    payment_terms_days: int
    credit_limit: Decimal | None
    sales_rep_id: int | None
    agency_id: int | None
    address: str
    postal_code: str
    city: str
    country: str
    email: str
    phone: str
    # A sales rep or an agency the import creates (--create-missing): its id is filled in
    # set-based once it exists, just before the write.
    rep_email: str
    agency_code: str


class InvoiceRecord(Staging, total=False):
    number: str
    customer_id: int | None  # None: a customer this import creates (FEC), see customer_ext
    kind: str
    issue_date: dt.date
    due_date: dt.date
    amount: Decimal
    open_amount: Decimal  # stored only: what lettering left open
    currency: str
    disputed: bool
    lettering_code: str
    entry_ref: str | None  # FEC: the entry (JournalCode-EcritureNum) the line belongs to
    customer_ext: str  # FEC: the external id of a customer this import creates


class PaymentRecord(Staging, total=False):
    reference: str
    customer_id: int | None  # None: a customer this import creates (FEC), see customer_ext
    date: dt.date
    amount: Decimal
    unallocated_amount: Decimal  # stored only
    currency: str
    lettering_code: str
    # The invoice the row names, and how much of the payment settles it, when.
    invoice_id: int
    allocated: Decimal
    allocated_on: dt.date
    customer_ext: str  # FEC: the external id of a customer this import creates


class NamedInvoice(TypedDict):
    """An invoice a payment row names, as the payments loader looks it up."""

    id: int
    number: str
    customer_id: int
    kind: str
    currency: str
    open_amount: Decimal
    issue_date: dt.date


class BankPayment(TypedDict):
    """A payment a bank statement brought that an ERP row may turn out to be."""

    id: int
    reference: str
    customer_id: int
    date: dt.date
    amount: Decimal
    currency: str
    lettering_code: str
    unallocated_amount: Decimal
    customer__external_id: str
