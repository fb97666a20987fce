"""Changes to the ledger. Every write that affects an open amount ends in refresh_balances."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext as _
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum as StdnumInvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siren as fr_siren

from encaisse.core.errors import BadInput
from encaisse.core.money import ZERO, to_money
from encaisse.ledger.models import (
    Allocation,
    Invoice,
    InvoiceDocument,
    InvoiceKind,
    LegalEntity,
    Payment,
)

_CHUNK = 900  # stays under SQLite's bound-parameter limit
MONEY_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def allocated_sum(allocations: QuerySet[Allocation], group_by: str) -> Coalesce:
    """SUM(amount) of the correlated ``allocations``, zero when there are none."""
    total = allocations.order_by().values(group_by).annotate(total=Sum("amount")).values("total")
    return Coalesce(
        Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
    )


def _last_allocation_date(allocations: QuerySet[Allocation], group_by: str) -> Subquery:
    last = allocations.order_by().values(group_by).annotate(last=Max("date")).values("last")
    return Subquery(last, output_field=DateField())


def refresh_balances(
    *, invoice_ids: Iterable[int] | None = None, payment_ids: Iterable[int] | None = None
) -> None:
    """Recompute the open-amount cache of the given invoices and payments (None: all of them).

    Set-based: a few UPDATE statements per kind of row, whatever the number of rows. The
    whole ledger is refreshed with one aggregate of the allocations joined to its rows, and
    only the rows whose cache changes are written.
    """
    if invoice_ids is None and payment_ids is None:
        _refresh_everything()
        return
    invoice_batches: list[list[int] | None] = (
        [None] if invoice_ids is None else list(_chunks(invoice_ids))
    )
    for batch in invoice_batches:
        invoices = Invoice.objects.all() if batch is None else Invoice.objects.filter(pk__in=batch)
        received = Allocation.objects.filter(invoice=OuterRef("pk"))
        given = Allocation.objects.filter(credit_note=OuterRef("pk"))
        invoices.update(
            # Rounded in SQL: SQLite computes with floats (1000 - 999.99 - 0.01 is not 0).
            open_amount=Round(
                F("amount")
                - allocated_sum(received, "invoice")
                + allocated_sum(given, "credit_note"),
                2,
                output_field=MONEY_FIELD,
            )
        )
        last_date = Coalesce(
            _last_allocation_date(received, "invoice"),
            _last_allocation_date(given, "credit_note"),
            F("issue_date"),
        )
        invoices.update(
            settled_on=Case(
                When(open_amount=0, then=last_date), default=None, output_field=DateField()
            )
        )
    payment_batches: list[list[int] | None] = (
        [None] if payment_ids is None else list(_chunks(payment_ids))
    )
    for batch in payment_batches:
        payments = Payment.objects.all() if batch is None else Payment.objects.filter(pk__in=batch)
        used = Allocation.objects.filter(payment=OuterRef("pk"))
        payments.update(
            unallocated_amount=Round(
                F("amount") - allocated_sum(used, "payment"), 2, output_field=MONEY_FIELD
            )
        )
        payments.update(
            settled_on=Case(
                When(unallocated_amount=0, then=_last_allocation_date(used, "payment")),
                default=None,
                output_field=DateField(),
            )
        )


_INVOICE_SQL = """
WITH moves AS (
    SELECT invoice_id AS id, -amount AS delta, date FROM {allocation}
    UNION ALL
    SELECT credit_note_id AS id, amount AS delta, date FROM {allocation}
    WHERE credit_note_id IS NOT NULL
), sums AS (
    SELECT id, ROUND(SUM(delta), 2) AS delta, MAX(date) AS last FROM moves GROUP BY id
)
UPDATE {invoice} SET
    open_amount = ROUND({invoice}.amount + sums.delta, 2),
    settled_on = CASE WHEN ROUND({invoice}.amount + sums.delta, 2) = 0 THEN sums.last END
FROM sums
WHERE sums.id = {invoice}.id
  AND ({invoice}.open_amount IS DISTINCT FROM ROUND({invoice}.amount + sums.delta, 2)
       OR {invoice}.settled_on IS DISTINCT FROM
          CASE WHEN ROUND({invoice}.amount + sums.delta, 2) = 0 THEN sums.last END)
"""
_UNALLOCATED_INVOICE_SQL = """
UPDATE {invoice} SET
    open_amount = amount,
    settled_on = CASE WHEN amount = 0 THEN issue_date END
WHERE NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.invoice_id = {invoice}.id)
  AND NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.credit_note_id = {invoice}.id)
  AND (open_amount IS DISTINCT FROM amount
       OR settled_on IS DISTINCT FROM CASE WHEN amount = 0 THEN issue_date END)
"""
_PAYMENT_SQL = """
WITH sums AS (
    SELECT payment_id AS id, ROUND(SUM(amount), 2) AS used, MAX(date) AS last
    FROM {allocation} WHERE payment_id IS NOT NULL GROUP BY payment_id
)
UPDATE {payment} SET
    unallocated_amount = ROUND({payment}.amount - sums.used, 2),
    settled_on = CASE WHEN ROUND({payment}.amount - sums.used, 2) = 0 THEN sums.last END
FROM sums
WHERE sums.id = {payment}.id
  AND ({payment}.unallocated_amount IS DISTINCT FROM ROUND({payment}.amount - sums.used, 2)
       OR {payment}.settled_on IS DISTINCT FROM
          CASE WHEN ROUND({payment}.amount - sums.used, 2) = 0 THEN sums.last END)
"""
_UNALLOCATED_PAYMENT_SQL = """
UPDATE {payment} SET unallocated_amount = amount, settled_on = NULL
WHERE NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.payment_id = {payment}.id)
  AND (unallocated_amount IS DISTINCT FROM amount OR settled_on IS NOT NULL)
"""


def _refresh_everything() -> None:
    """refresh_balances() of the whole ledger: one hash aggregate, not a subquery per row."""
    tables = {
        "invoice": connection.ops.quote_name(Invoice._meta.db_table),
        "payment": connection.ops.quote_name(Payment._meta.db_table),
        "allocation": connection.ops.quote_name(Allocation._meta.db_table),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in (
            _INVOICE_SQL,
            _UNALLOCATED_INVOICE_SQL,
            _PAYMENT_SQL,
            _UNALLOCATED_PAYMENT_SQL,
        ):
            cursor.execute(statement.format(**tables))


@transaction.atomic
def allocate(
    *,
    invoice: Invoice,
    amount: Decimal,
    payment: Payment | None = None,
    credit_note: Invoice | None = None,
    on: dt.date | None = None,
) -> Allocation:
    """Letter ``amount`` (positive) of a payment or a credit note against an invoice, or of a
    refund (a negative payment) against the credit note it pays back.

    The allocation is dated ``on`` (default: the later of the two documents' dates); the
    open amounts of both sides are refreshed.
    """
    if (payment is None) == (credit_note is None):
        raise BadInput("allocation: give either a payment or a credit note")
    amount = to_money(amount)
    if amount <= 0:
        raise BadInput(f"amount: {amount} must be positive")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if payment is not None:
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        refund = payment.is_refund
        settles = InvoiceKind.CREDIT_NOTE if refund else InvoiceKind.INVOICE
        if invoice.kind != settles:
            raise BadInput(
                f"invoice: a refund settles a credit note, {invoice.number} is an invoice"
                if refund
                else f"invoice: {invoice.number} is a credit note, not an invoice"
            )
        source_customer, source_currency = payment.customer_id, payment.currency
        source_date = payment.date
        if amount > abs(payment.unallocated_amount):
            raise BadInput(
                f"amount: {amount} exceeds the unallocated {abs(payment.unallocated_amount)} "
                f"of {'refund' if refund else 'payment'} {payment}"
            )
        signed = -amount if refund else amount
    elif credit_note is not None:
        if invoice.kind != InvoiceKind.INVOICE:
            raise BadInput(f"invoice: {invoice.number} is a credit note, not an invoice")
        credit_note = Invoice.objects.select_for_update().get(pk=credit_note.pk)
        if credit_note.kind != InvoiceKind.CREDIT_NOTE:
            raise BadInput(f"credit_note: {credit_note.number} is not a credit note")
        source_customer, source_currency = credit_note.customer_id, credit_note.currency
        source_date = credit_note.issue_date
        if amount > -credit_note.open_amount:
            raise BadInput(
                f"amount: {amount} exceeds what is left of credit note {credit_note} "
                f"({-credit_note.open_amount})"
            )
        signed = amount
    if amount > abs(invoice.open_amount) or invoice.open_amount * signed < 0:
        raise BadInput(
            f"amount: {amount} exceeds the open amount {abs(invoice.open_amount)} of {invoice}"
        )
    if source_customer != invoice.customer_id:
        raise BadInput("allocation: the invoice and the payment belong to different customers")
    if source_currency != invoice.currency:
        raise BadInput(f"allocation: currencies differ ({invoice.currency} and {source_currency})")
    allocation = Allocation.objects.create(
        invoice=invoice,
        payment=payment,
        credit_note=credit_note,
        amount=signed,
        date=on or max(invoice.issue_date, source_date),
    )
    refresh_balances(
        invoice_ids=[invoice.pk] + ([credit_note.pk] if credit_note else []),
        payment_ids=[payment.pk] if payment else [],
    )
    return allocation


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

ENTITY_CODE_MAX = 30
_ENTITY_CODE = re.compile(r"[A-Z0-9][A-Z0-9_.-]*")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}")


class InvalidLegalEntity(BadInput):
    """Legal-entity input refused; ``errors`` maps each field at fault to why.

    Its text is one line, ``field: why`` for each, so a command prints it as it is (after
    naming its own options) and a form puts each reason on its field.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))
        self.errors = dict(errors)


def _quoted(value: str) -> str:
    return f"'{value}'"


def _clean_code(value: str, errors: dict[str, str]) -> str:
    code = value.strip().upper()
    if not code:
        errors["code"] = _("give a short code, e.g. MAIN")
    elif len(code) > ENTITY_CODE_MAX or not _ENTITY_CODE.fullmatch(code):
        errors["code"] = _("%(value)s is not a code: up to 30 letters, digits, '-', '_' or '.'") % {
            "value": _quoted(value.strip())
        }
    return code


def _clean_name(value: str, errors: dict[str, str]) -> str:
    name = " ".join(value.split())
    if not name:
        errors["name"] = _("give the company's name")
    elif len(name) > 200:
        errors["name"] = _("longer than 200 characters")
    return name


def _clean_siren(value: str, errors: dict[str, str]) -> str:
    siren = fr_siren.compact(value) if value.strip() else ""
    if siren and not fr_siren.is_valid(siren):
        errors["siren"] = _("%(value)s is not a valid SIREN (9 digits with a Luhn check)") % {
            "value": _quoted(value.strip())
        }
    return siren


def _clean_vat_number(value: str, errors: dict[str, str]) -> str:
    vat = eu_vat.compact(value) if value.strip() else ""
    if vat and (len(vat) > 20 or not eu_vat.is_valid(vat)):
        errors["vat_number"] = _(
            "%(value)s is not a valid EU VAT number (country code, then the number, "
            "e.g. FR96552100554)"
        ) % {"value": _quoted(value.strip())}
    return vat


def _iban_problem(iban: str) -> str:
    """Why a compact IBAN is not valid ("" when it is)."""
    if not _IBAN_SHAPE.fullmatch(iban):
        return _("country code, 2 check digits, then the account number")
    try:
        std_iban.validate(iban)
    except StdnumInvalidChecksum:
        return _("its check digits are wrong: a character is mistyped or missing")
    except StdnumValidationError:
        return _("not the length or format of an IBAN of %(country)s") % {"country": iban[:2]}
    return ""


def _clean_iban(value: str, errors: dict[str, str]) -> str:
    iban = std_iban.compact(value) if value.strip() else ""
    problem = _iban_problem(iban) if iban else ""
    if problem:
        errors["iban"] = _("%(value)s is not a valid IBAN (%(why)s)") % {
            "value": _quoted(value.strip()),
            "why": problem,
        }
    return iban


def _clean_bic(value: str, errors: dict[str, str]) -> str:
    bic = std_bic.compact(value) if value.strip() else ""
    if bic and not std_bic.is_valid(bic):
        errors["bic"] = _(
            "%(value)s is not a valid BIC (8 or 11 letters and digits: bank, country, "
            "place, branch)"
        ) % {"value": _quoted(value.strip())}
    return bic


def _clean_email(value: str, errors: dict[str, str]) -> str:
    email = value.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("%(value)s is not a valid e-mail address") % {
                "value": _quoted(email)
            }
    return email


def _clean_address(value: str, errors: dict[str, str]) -> str:
    lines = [" ".join(line.split()) for line in value.strip().splitlines()]
    return "\n".join(line for line in lines if line)


_CLEANERS = {
    "code": _clean_code,
    "name": _clean_name,
    "siren": _clean_siren,
    "vat_number": _clean_vat_number,
    "iban": _clean_iban,
    "bic": _clean_bic,
    "email": _clean_email,
    "address": _clean_address,
}


def _check_legal_entity(entity: LegalEntity, given: dict[str, str]) -> list[str]:
    """Clean the ``given`` fields onto ``entity``; the names of the fields that change.

    Raises InvalidLegalEntity naming every field at fault; ``entity`` is left untouched then.
    """
    errors: dict[str, str] = {}
    cleaned = {field: _CLEANERS[field](value, errors) for field, value in given.items()}
    code = cleaned.get("code")
    if code and "code" not in errors:
        taken = LegalEntity.objects.filter(code__iexact=code).exclude(pk=entity.pk).first()
        if taken is not None:
            errors["code"] = _("%(code)s is already the code of %(name)s") % {
                "code": taken.code,
                "name": taken.name,
            }
    siren = cleaned.get("siren", entity.siren)
    vat = cleaned.get("vat_number", entity.vat_number)
    if (
        siren
        and vat.startswith("FR")
        and vat[4:] != siren
        and "siren" not in errors
        and "vat_number" not in errors
    ):
        # A French VAT number is FR, a 2-digit key, then the SIREN: both cannot be right.
        if "vat_number" in cleaned:
            errors["vat_number"] = _("%(vat)s is not the VAT number of SIREN %(siren)s") % {
                "vat": vat,
                "siren": siren,
            }
        else:
            errors["siren"] = _(
                "%(siren)s is not the SIREN in the VAT number %(vat)s (change both at once)"
            ) % {"vat": vat, "siren": siren}
    if errors:
        raise InvalidLegalEntity(errors)
    changed = [field for field, value in cleaned.items() if getattr(entity, field) != value]
    for field in changed:
        setattr(entity, field, cleaned[field])
    return changed


def clean_legal_entity_code(code: str) -> str:
    """A new legal entity's code as it would be stored (capitals), or InvalidLegalEntity."""
    errors: dict[str, str] = {}
    cleaned = _clean_code(code, errors)
    if errors:
        raise InvalidLegalEntity(errors)
    return cleaned


def _save_legal_entity(entity: LegalEntity) -> None:
    try:
        with transaction.atomic():  # a savepoint: the same code saved meanwhile is refused
            entity.save()
    except IntegrityError:
        raise InvalidLegalEntity(
            {"code": _("%(code)s is already taken") % {"code": entity.code}}
        ) from None


@transaction.atomic
def create_legal_entity(
    *,
    code: str,
    name: str,
    siren: str = "",
    vat_number: str = "",
    iban: str = "",
    bic: str = "",
    email: str = "",
    address: str = "",
    currency: str = "EUR",
) -> LegalEntity:
    """Record a legal entity (a company that issues the invoices).

    The code is stored in capitals and must be free (whatever its case); SIREN, VAT number,
    IBAN and BIC are checked (python-stdnum) and stored compact (no spaces, capitals), as
    bank statements give them; a French VAT number must be that of the SIREN. Raises
    InvalidLegalEntity naming every field at fault, and then writes nothing.
    """
    entity = LegalEntity(currency=currency)
    given = {
        "code": code,
        "name": name,
        "siren": siren,
        "vat_number": vat_number,
        "iban": iban,
        "bic": bic,
        "email": email,
        "address": address,
    }
    _check_legal_entity(entity, given)
    _save_legal_entity(entity)
    return entity


@transaction.atomic
def update_legal_entity(
    *,
    entity: LegalEntity,
    code: str | None = None,
    name: str | None = None,
    siren: str | None = None,
    vat_number: str | None = None,
    iban: str | None = None,
    bic: str | None = None,
    email: str | None = None,
    address: str | None = None,
) -> list[str]:
    """Change the given fields of a legal entity (None leaves one as it is, "" clears it;
    the code and the name cannot be cleared); the names of the fields that changed.

    The rules of ``create_legal_entity`` apply; on bad input nothing is written and
    ``entity`` keeps its values.
    """
    given = {
        field: value
        for field, value in (
            ("code", code),
            ("name", name),
            ("siren", siren),
            ("vat_number", vat_number),
            ("iban", iban),
            ("bic", bic),
            ("email", email),
            ("address", address),
        )
        if value is not None
    }
    before = {field: getattr(entity, field) for field in given}
    changed = _check_legal_entity(entity, given)
    if changed:
        try:
            _save_legal_entity(entity)
        except InvalidLegalEntity:
            for field, value in before.items():
                setattr(entity, field, value)
            raise
    return changed


@transaction.atomic
def record_payment_return(
    *, payment: Payment, returned_on: dt.date, reference: str, reason: str = ""
) -> Payment:
    """The bank took ``payment`` back on ``returned_on`` (an impayé: a returned transfer, a
    rejected direct debit). A negative payment records the money going out again, and its
    allocations undo the payment's from ``returned_on``: the invoices are open again from
    that day, with their own due dates (before it, the aged balance still shows them paid).

    Recorded once: the same ``reference`` again (a statement imported twice) changes nothing.
    """
    existing = Payment.objects.filter(entity_id=payment.entity_id, reference=reference).first()
    if existing is not None:
        if existing.returns_id == payment.pk:
            return existing
        raise BadInput(f"reference: {reference} is already another payment")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.amount <= 0 or payment.returns_id is not None:
        raise BadInput(f"payment: {payment} is not money received, it cannot be returned")
    if payment.returned_by.exists():
        raise BadInput(f"payment: {payment} was already returned")
    if returned_on < payment.date:
        raise BadInput(f"date: a payment of {payment.date} cannot be returned on {returned_on}")
    back = Payment.objects.create(
        entity_id=payment.entity_id,
        customer_id=payment.customer_id,
        reference=reference[:80],
        date=returned_on,
        amount=-payment.amount,
        currency=payment.currency,
        unallocated_amount=-payment.amount,
        returns=payment,
        return_reason=reason.strip().upper()[:4],
    )
    undone = Allocation.objects.bulk_create(
        Allocation(invoice_id=allocation.invoice_id, payment=back, amount=-allocation.amount,
                   date=max(returned_on, allocation.date))
        for allocation in Allocation.objects.filter(payment=payment)
    )  # fmt: skip
    refresh_balances(
        invoice_ids=sorted({allocation.invoice_id for allocation in undone}),
        payment_ids=[back.pk],
    )
    return back
