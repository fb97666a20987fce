"""The PDF of an invoice as the customer received it."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from encaisse.ledger.models import (
    Invoice,
    InvoiceDocument,
)


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
