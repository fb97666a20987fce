"""Invoices one at a time (an e-invoice, a form) and the PDF the customer received.

Imports of many invoices write them set-based (imports.loaders); both ask this module what
a new version of an invoice may change once part of it is lettered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from encaisse.core.errors import BadInput
from encaisse.core.i18n import Sentence, sentence
from encaisse.ledger.models import (
    Customer,
    Invoice,
    InvoiceDocument,
    InvoiceKind,
    LegalEntity,
)
from encaisse.ledger.services.balances import refresh_balances


def lettered_invoice_changes(
    *, stored: Mapping[str, Any], new: Mapping[str, Any]
) -> list[tuple[str, Sentence]]:
    """What a new version of a stored invoice may not change once part of it is lettered:
    (field, why) for its customer, currency, sign (``kind``) and an amount below what is
    already lettered. Both mappings hold ``customer_id``, ``currency``, ``kind``,
    ``amount``; ``stored`` also ``number`` and ``open_amount``."""
    lettered = stored["amount"] - stored["open_amount"]  # what payments or credit settled
    if not lettered:
        return []
    number = stored["number"]
    reasons = {
        "customer_id": sentence(
            "the customer of %(number)s cannot change: it is already lettered", number=number
        ),
        "currency": sentence(
            "the currency of %(number)s cannot change: it is already lettered", number=number
        ),
        "kind": sentence(
            "the sign of %(number)s cannot change: it is already lettered", number=number
        ),
    }
    problems = [(name, why) for name, why in reasons.items() if new[name] != stored[name]]
    if new["kind"] == stored["kind"] and abs(new["amount"]) < abs(lettered):
        problems.append(
            ("amount", sentence("below the %(amount)s already lettered", amount=abs(lettered)))
        )
    return problems


@transaction.atomic
def record_invoice(
    *,
    entity: LegalEntity,
    customer: Customer,
    number: str,
    issue_date: dt.date,
    due_date: dt.date | None,
    amount: Decimal,
    currency: str,
) -> tuple[Invoice, str]:
    """Create or update one invoice (a negative amount is a credit note) by its number, as
    an import of many does: without a due date it is due after the customer's payment
    terms; once lettered, its customer, currency and sign stay, and its amount not below
    what is lettered. (the invoice, "created" | "updated" | "unchanged")."""
    values: dict[str, Any] = {
        "customer_id": customer.pk,
        "kind": InvoiceKind.CREDIT_NOTE if amount < 0 else InvoiceKind.INVOICE,
        "issue_date": issue_date,
        "due_date": due_date or issue_date + dt.timedelta(days=customer.payment_terms_days),
        "amount": amount,
        "currency": currency,
    }
    stored = Invoice.objects.select_for_update().filter(entity=entity, number=number).first()
    if stored is None:
        invoice = Invoice.objects.create(entity=entity, number=number, open_amount=amount, **values)
        if amount == 0:  # settled on its issue date
            refresh_balances(invoice_ids=[invoice.pk])
        return invoice, "created"
    current = {name: getattr(stored, name) for name in [*values, "number", "open_amount"]}
    problems = lettered_invoice_changes(stored=current, new=values)
    if problems:
        said = [
            sentence("%(field)s: %(reason)s", field=name.removesuffix("_id"), reason=why)
            for name, why in problems
        ]
        first = said[0]
        for more in said[1:]:
            first = sentence("%(first)s; %(next)s", first=first, next=more)
        raise BadInput(first)
    if all(current[name] == value for name, value in values.items()):
        return stored, "unchanged"
    Invoice.objects.filter(pk=stored.pk).update(**values)
    refresh_balances(invoice_ids=[stored.pk])
    stored.refresh_from_db()
    return stored, "updated"


def record_invoice_document(
    *, invoice: Invoice, content: bytes, file_name: str
) -> tuple[InvoiceDocument, bool]:
    """Keep the PDF of an invoice (under MEDIA_ROOT); (the document, whether it is new).

    The same content for the same invoice is kept once: importing the PDF again adds
    nothing. A different PDF becomes the invoice's latest document. Files are named by
    their SHA-256, so a file left by a rolled-back import is simply reused.
    """
    digest = hashlib.sha256(content).hexdigest()
    existing = InvoiceDocument.objects.filter(invoice=invoice, sha256=digest).first()
    if existing is not None:
        return existing, False
    document = InvoiceDocument(
        invoice=invoice, sha256=digest, original_name=file_name[:255], size=len(content)
    )
    field = document.file.field
    name = field.generate_filename(document, f"{digest}.pdf")
    if field.storage.exists(name) and field.storage.size(name) == len(content):
        document.file.name = name
    else:
        document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document, True


# ---------------------------------------------------------------------------- legal entities
