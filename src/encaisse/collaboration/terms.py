"""Special terms agreed by sales: a rep proposes them, finance confirms or refuses them.

Confirmed terms change what dunning reminds (dunning.snapshots reads them); a discount is
for finance to read and changes no amount.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_decide_terms, can_record_terms, terms_deciders
from encaisse.collaboration.notifications import language_of, notify
from encaisse.collaboration.terms_models import (
    SpecialTerms,
    TermsInstalment,
    TermsKind,
    TermsStatus,
)
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.core.money import format_money
from encaisse.ledger.models import Customer, Invoice, InvoiceKind

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_EXTRA_DAYS = 365
# What a document may be, told by its first bytes (never by its name): type, extensions.
DOCUMENT_KINDS = {
    b"%PDF-": ("application/pdf", {"pdf"}),
    b"\x89PNG\r\n\x1a\n": ("image/png", {"png"}),
    b"\xff\xd8\xff": ("image/jpeg", {"jpg", "jpeg"}),
}
# A PDF that runs code or carries other files when opened is refused.
ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")
# Terms that move dates: a newer confirmed one replaces the older on the same invoice.
DATE_KINDS = (TermsKind.EXTENDED_DUE_DATE, TermsKind.INSTALMENTS)


@dataclass(frozen=True)
class TermsDocument:
    """A file given with the terms (the signed order, the e-mail that agreed them)."""

    content: bytes
    name: str


@dataclass(frozen=True)
class Instalment:
    due_date: dt.date
    amount: Decimal


def check_document(document: TermsDocument) -> str:
    """The document's content type, or BadInput saying why it is refused."""
    if not document.content:
        raise BadInput(sentence("document: the file is empty"))
    if len(document.content) > MAX_DOCUMENT_BYTES:
        raise BadInput(
            sentence(
                "document: the file is larger than %(size)s MB",
                size=str(MAX_DOCUMENT_BYTES // (1024 * 1024)),
            )
        )
    extension = document.name.rsplit(".", 1)[-1].lower() if "." in document.name else ""
    for magic, (content_type, extensions) in DOCUMENT_KINDS.items():
        if document.content.startswith(magic):
            if extension not in extensions:
                raise BadInput(
                    sentence(
                        "document: %(name)s is not what its name says", name=document.name[:80]
                    )
                )
            if content_type == "application/pdf" and ACTIVE_PDF.search(document.content):
                raise BadInput(
                    sentence("document: a PDF with scripts or attached files is refused")
                )
            return content_type
    raise BadInput(sentence("document: only a PDF, PNG or JPEG file is accepted"))


def _check_invoice(customer: Customer, invoice: Invoice) -> None:
    if invoice.customer_id != customer.pk:
        raise BadInput(
            sentence("invoice: %(number)s belongs to another customer", number=invoice.number)
        )
    if invoice.kind != InvoiceKind.INVOICE:
        raise BadInput(sentence("invoice: %(number)s is a credit note", number=invoice.number))
    if invoice.open_amount <= 0 or invoice.settled_on is not None:
        raise BadInput(sentence("invoice: %(number)s is already paid", number=invoice.number))


def _check_extension(
    invoice: Invoice | None, new_due_date: dt.date | None, extra_days: int | None
) -> None:
    if extra_days is not None and not 1 <= extra_days <= MAX_EXTRA_DAYS:
        raise BadInput(
            sentence("extra days: give a number from 1 to %(most)s", most=MAX_EXTRA_DAYS)
        )
    if invoice is None:
        if extra_days is None:
            raise BadInput(sentence("extra days: give the days added to every invoice's due date"))
        return
    if (new_due_date is None) == (extra_days is None):
        raise BadInput(sentence("new due date: give a new due date or a number of extra days"))
    if new_due_date is not None:
        if new_due_date < invoice.issue_date:
            raise BadInput(
                sentence(
                    "new due date: before the invoice's issue date (%(day)s)",
                    day=invoice.issue_date.isoformat(),
                )
            )
        if new_due_date <= invoice.due_date:
            raise BadInput(
                sentence(
                    "new due date: must be later than the current due date (%(day)s)",
                    day=invoice.due_date.isoformat(),
                )
            )


def _check_instalments(invoice: Invoice | None, instalments: Sequence[Instalment]) -> None:
    if invoice is None:
        raise BadInput(sentence("invoice: an instalment plan is agreed on one invoice"))
    if len(instalments) < 2:
        raise BadInput(sentence("instalments: give at least two instalments"))
    days = [instalment.due_date for instalment in instalments]
    if len(set(days)) != len(days):
        raise BadInput(sentence("instalments: two instalments fall on the same day"))
    for instalment in instalments:
        if instalment.amount <= 0:
            raise BadInput(sentence("instalments: every amount must be positive"))
        if instalment.due_date < invoice.issue_date:
            raise BadInput(
                sentence(
                    "instalments: %(day)s is before the invoice's issue date (%(issued)s)",
                    day=instalment.due_date.isoformat(),
                    issued=invoice.issue_date.isoformat(),
                )
            )
    total = sum((instalment.amount for instalment in instalments), Decimal("0"))
    if total != invoice.open_amount:
        raise BadInput(
            sentence(
                "instalments: they add up to %(total)s, the open amount is %(open)s",
                total=total,
                open=invoice.open_amount,
            )
        )


def _check_discount(
    invoice: Invoice | None, amount: Decimal | None, percent: Decimal | None
) -> None:
    if (amount is None) == (percent is None):
        raise BadInput(sentence("discount: give an amount or a percentage, not both"))
    if percent is not None and not Decimal("0") < percent <= Decimal("100"):
        raise BadInput(sentence("discount: a percentage above 0 and up to 100"))
    if amount is not None:
        if amount <= 0:
            raise BadInput(sentence("discount: the amount must be positive"))
        if invoice is not None and amount > invoice.amount:
            raise BadInput(
                sentence("discount: more than the invoice's %(amount)s", amount=invoice.amount)
            )


@transaction.atomic
def propose_terms(
    *,
    customer: Customer,
    proposed_by: User,
    kind: TermsKind | str,
    today: dt.date,
    invoice: Invoice | None = None,
    applies_from: dt.date | None = None,
    new_due_date: dt.date | None = None,
    extra_days: int | None = None,
    instalments: Sequence[Instalment] = (),
    discount_amount: Decimal | None = None,
    discount_percent: Decimal | None = None,
    note: str = "",
    document: TermsDocument | None = None,
) -> SpecialTerms:
    """Record terms agreed at the sale, to be confirmed by finance (who is told).

    On an invoice (open, of ``customer``) or on every invoice of the customer issued from
    ``applies_from`` (today when not given; not for an instalment plan). Nothing counts for
    dunning until finance confirms. Bad input raises BadInput naming the field; nothing is
    recorded then.
    """
    if not can_record_terms(proposed_by):
        raise BadInput(sentence("you may not record special terms"))
    if kind not in TermsKind.values:
        raise BadInput(sentence("kind: %(kind)s is not a kind of terms", kind=str(kind)))
    if invoice is not None:
        _check_invoice(customer, invoice)
    if kind == TermsKind.EXTENDED_DUE_DATE:
        _check_extension(invoice, new_due_date, extra_days)
    elif kind == TermsKind.INSTALMENTS:
        _check_instalments(invoice, instalments)
    else:
        _check_discount(invoice, discount_amount, discount_percent)
    content_type = check_document(document) if document is not None else ""
    terms = SpecialTerms(
        customer=customer,
        invoice=invoice,
        applies_from=None if invoice is not None else (applies_from or today),
        kind=kind,
        new_due_date=new_due_date if kind == TermsKind.EXTENDED_DUE_DATE else None,
        extra_days=extra_days if kind == TermsKind.EXTENDED_DUE_DATE else None,
        discount_amount=discount_amount if kind == TermsKind.DISCOUNT else None,
        discount_percent=discount_percent if kind == TermsKind.DISCOUNT else None,
        note=note.strip(),
        proposed_by=proposed_by,
    )
    if document is not None:
        terms.document_sha256 = hashlib.sha256(document.content).hexdigest()
        terms.document_name = document.name[:255]
        terms.document_type = content_type
        terms.document.save(document.name, ContentFile(document.content), save=False)
    terms.save()
    if kind == TermsKind.INSTALMENTS:
        TermsInstalment.objects.bulk_create(
            TermsInstalment(terms=terms, due_date=i.due_date, amount=i.amount)
            for i in sorted(instalments, key=lambda i: i.due_date)
        )
    for finance_user in terms_deciders().exclude(pk=proposed_by.pk):
        with translation.override(language_of(finance_user)):
            notify(
                recipient=finance_user,
                title=_("Special terms to confirm: %(customer)s") % {"customer": customer.name},
                body=terms_summary(terms),
                url=terms_url(terms),
                customer=customer,
            )
    return terms


@transaction.atomic
def decide_terms(
    *, terms: SpecialTerms, decided_by: User, confirm: bool, note: str = ""
) -> SpecialTerms:
    """Finance confirms or refuses proposed terms (a refusal says why); the rep who proposed
    them is told. Confirmed terms that move dates replace the older confirmed ones on the
    same invoice (or on the same customer as a whole)."""
    if not can_decide_terms(decided_by):
        raise BadInput(sentence("you may not decide special terms"))
    locked = SpecialTerms.objects.select_for_update().get(pk=terms.pk)
    if locked.status != TermsStatus.PROPOSED:
        raise BadInput(sentence("status: these terms were already decided"))
    if not confirm and not note.strip():
        raise BadInput(sentence("why: say why the terms are refused"))
    if confirm and locked.kind in DATE_KINDS:
        same_scope = (
            Q(invoice_id=locked.invoice_id)
            if locked.invoice_id is not None
            else Q(invoice__isnull=True)
        )
        SpecialTerms.objects.filter(
            same_scope,
            customer_id=locked.customer_id,
            kind__in=DATE_KINDS,
            status=TermsStatus.CONFIRMED,
        ).update(status=TermsStatus.ENDED)
    locked.status = TermsStatus.CONFIRMED if confirm else TermsStatus.REFUSED
    locked.decided_by = decided_by
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    proposer = locked.proposed_by
    if proposer is not None and proposer.pk != decided_by.pk and proposer.is_active:
        with translation.override(language_of(proposer)):
            title = (
                _("Special terms confirmed: %(customer)s")
                if confirm
                else _("Special terms refused: %(customer)s")
            ) % {"customer": locked.customer.name}
            notify(
                recipient=proposer,
                title=title,
                body=locked.decision_note or terms_summary(locked),
                url=terms_url(locked),
                customer=locked.customer,
            )
    return locked


def terms_url(terms: SpecialTerms) -> str:
    return reverse("customer-detail", args=[terms.customer_id]) + "#special-terms"


def _short(day: dt.date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


def terms_summary(terms: SpecialTerms) -> str:
    """The terms in one line, in the active language."""
    scope = (
        _("invoice %(number)s") % {"number": terms.invoice.number}
        if terms.invoice is not None
        else _("invoices issued from %(day)s")
        % {"day": _short(terms.applies_from) if terms.applies_from else ""}
    )
    currency = (
        terms.invoice.currency if terms.invoice is not None else terms.customer.entity.currency
    )
    if terms.kind == TermsKind.EXTENDED_DUE_DATE:
        what = (
            _("due on %(day)s") % {"day": _short(terms.new_due_date)}
            if terms.new_due_date is not None
            else _("due %(days)s days later") % {"days": terms.extra_days}
        )
    elif terms.kind == TermsKind.INSTALMENTS:
        what = ", ".join(
            f"{_short(i.due_date)}: {format_money(i.amount, currency)}"
            for i in terms.instalments.all()
        )
    elif terms.discount_percent is not None:
        what = _("discount of %(percent)s %%") % {"percent": terms.discount_percent.normalize()}
    else:
        what = _("discount of %(amount)s") % {
            "amount": format_money(terms.discount_amount or Decimal("0"), currency)
        }
    return f"{terms.get_kind_display()} · {scope} · {what}"
