"""Importing a Factur-X PDF invoice: the invoice upserted by number, its buyer found (or
created), the PDF kept for reminders; all in one transaction, with its ImportRun."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Q

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence, text_of
from encaisse.imports.facturx.reader import (
    AMOUNT_DUE,
    BUYER,
    CURRENCY,
    DUE_DATE,
    ISSUE_DATE,
    MAX_PDF_BYTES,
    NUMBER,
    FacturxInvoice,
    Party,
    read_facturx_pdf,
    too_large,
)
from encaisse.imports.fec.service import default_payment_terms_days
from encaisse.imports.models import ImportKind, ImportRun, ImportStatus
from encaisse.imports.services import (
    FIRST_ENTITY_CODE,
    FIRST_ENTITY_NAME,
    ImportResult,
    failures_recorded,
    finish_run,
    read_file_bytes,
    result_of,
    start_run,
)
from encaisse.ledger.models import Customer, LegalEntity
from encaisse.ledger.services import (
    InvalidLegalEntity,
    create_legal_entity,
    record_invoice,
    record_invoice_document,
)

# The business term of each field, named in messages.
TERMS: dict[str, Text] = {
    "number": NUMBER,
    "customer_external_id": BUYER,
    "issue_date": ISSUE_DATE,
    "due_date": DUE_DATE,
    "amount": AMOUNT_DUE,
    "currency": CURRENCY,
}


def import_facturx(
    *,
    path: str | Path,
    entity: str | None = None,
    payment_terms_days: int | None = None,
    user: User | None = None,
    import_run: ImportRun | None = None,
) -> ImportResult:
    """Import one Factur-X PDF; records an ImportRun whatever happens.

    The seller must be the legal entity (``entity``, or the one with the seller's SIREN or
    VAT number; in an empty ledger the seller becomes the first one, MAIN); the buyer is the
    customer with its SIRET, SIREN, VAT number, external id (the buyer id) or name, created
    from the XML when there is none. The invoice follows
    the rules of the CSV invoices import (upsert by number; the due date is BT-9, else the
    issue date plus the customer's payment terms). The PDF is kept once (by SHA-256).
    """
    path = Path(path)
    run = start_run(
        kind=ImportKind.FACTURX,
        path=path,
        user=user,
        options={"entity": entity or "", "payment_terms_days": payment_terms_days},
        run=import_run,
    )
    terms = default_payment_terms_days() if payment_terms_days is None else payment_terms_days
    with failures_recorded(run):
        content = read_file_bytes(path, max_bytes=MAX_PDF_BYTES, too_large=too_large())
        invoice = read_facturx_pdf(content)
        run.file_format = {"format": "Factur-X PDF"}
        if invoice.profile:
            run.file_format["profile"] = invoice.profile.upper()
        notes: list[Text] = []
        legal_entity = _legal_entity(entity, invoice.seller, notes)
        if legal_entity is None:
            _import_first(run, invoice, content, terms, notes)
        else:
            run.entity = legal_entity
            _import(run, legal_entity, invoice, content, run.file_name, terms, notes)
    return result_of(run)


def _describe(party: Party) -> Text:
    ids = [f"SIREN {party.siren}" if party.siren else "", party.vat_number]
    shown = ", ".join(i for i in ids if i)
    name: Text = party.name or sentence("without a name")
    return sentence("%(name)s (%(ids)s)", name=name, ids=shown) if shown else name


def _legal_entity(code: str | None, seller: Party, notes: list[Text]) -> LegalEntity | None:
    """The legal entity that issued the invoice: the seller, checked by SIREN or VAT; None
    when there is no legal entity yet (the seller becomes the first one)."""
    if code:
        entity = LegalEntity.objects.filter(code__iexact=code).first()
        if entity is None:
            known = ", ".join(LegalEntity.objects.values_list("code", flat=True))
            raise BadInput(
                sentence(
                    "--entity: no legal entity %(code)s (known: %(known)s)",
                    code=repr(code),
                    known=known or sentence("none yet"),
                )
            )
        _check_seller(entity, seller)
        return entity
    ids = Q()
    if seller.siren:
        ids |= Q(siren=seller.siren)
    if seller.vat_number:
        ids |= Q(vat_number__iexact=seller.vat_number)
    matches = list(LegalEntity.objects.filter(ids)[:2]) if ids else []
    if len(matches) == 1:
        return matches[0]
    entities = list(LegalEntity.objects.all()[:2])
    if len(entities) == 1 and not matches:
        only = entities[0]
        if not (only.siren or only.vat_number):
            notes.append(
                sentence(
                    "legal entity %(code)s has no SIREN or VAT number: the seller %(seller)s "
                    "could not be checked (record them in the administration)",
                    code=only.code,
                    seller=_describe(seller),
                )
            )
            return only
        _check_seller(only, seller)
        return only
    if not entities:
        return None
    raise BadInput(
        sentence(
            "the seller %(seller)s is none of the legal entities of Encaisse: is this a "
            "supplier's invoice? (--entity CODE chooses the entity)",
            seller=_describe(seller),
        )
    )


def _import_first(
    run: ImportRun, invoice: FacturxInvoice, content: bytes, terms: int, notes: list[Text]
) -> None:
    """The first invoice of an empty ledger: its seller becomes the legal entity, kept only
    if the invoice is imported (one transaction)."""
    try:
        with transaction.atomic():
            entity = _entity_from_seller(invoice, notes)
            run.entity = entity
            _import(run, entity, invoice, content, run.file_name, terms, notes)
    except BaseException:
        run.entity = None  # rolled back with the invoice
        raise


def _postal_address(party: Party) -> str:
    town = " ".join(part for part in (party.postal_code, party.city) if part)
    country = party.country if party.country not in ("", "FR") else ""
    return "\n".join(line for line in (party.address, town, country) if line)


def _entity_from_seller(invoice: FacturxInvoice, notes: list[Text]) -> LegalEntity:
    """The first legal entity, MAIN, with what the XML says of the seller and its account."""
    seller = invoice.seller
    values = {
        "siren": seller.siren,
        "vat_number": seller.vat_number,
        "iban": invoice.payee_iban,
        "bic": invoice.payee_bic,
        "address": _postal_address(seller),
    }
    name = " ".join(seller.name.split())[:200] or FIRST_ENTITY_NAME
    try:
        entity = create_legal_entity(code=FIRST_ENTITY_CODE, name=name, **values)
    except InvalidLegalEntity as error:  # e.g. a VAT number that is not the SIREN's
        if not set(error.errors) <= set(values):
            raise
        notes.append(sentence("the seller's details left out: %(error)s", error=str(error)))
        entity = create_legal_entity(
            code=FIRST_ENTITY_CODE,
            name=name,
            **{field: "" if field in error.errors else value for field, value in values.items()},
        )
    recorded = [
        detail
        for detail, value in (
            (sentence("SIREN %(value)s", value=entity.siren), entity.siren),
            (sentence("VAT number %(value)s", value=entity.vat_number), entity.vat_number),
            (sentence("IBAN %(value)s", value=entity.iban), entity.iban),
        )
        if value
    ]
    described: Text = entity.name
    for detail in recorded:
        described = sentence("%(seller)s, %(detail)s", seller=described, detail=detail)
    notes.append(
        sentence(
            "there was no legal entity yet: %(code)s (%(seller)s) was created from the "
            "invoice's seller; check it and give it your code on the Company page, or with "
            "`encaisse entity set %(code)s --code CODE`",
            code=entity.code,
            seller=described,
        )
    )
    return entity


def _check_seller(entity: LegalEntity, seller: Party) -> None:
    if entity.siren and seller.siren and entity.siren != seller.siren:
        wrong = sentence(
            "SIREN %(seller)s, not %(entity)s", seller=seller.siren, entity=entity.siren
        )
    elif (
        entity.vat_number
        and seller.vat_number
        and entity.vat_number.replace(" ", "").upper() != seller.vat_number
    ):
        wrong = sentence(
            "VAT number %(seller)s, not %(entity)s",
            seller=seller.vat_number,
            entity=entity.vat_number,
        )
    else:
        return
    raise BadInput(
        sentence(
            "BT-27 (seller): %(seller)s has %(wrong)s of legal entity %(code)s: is this a "
            "supplier's invoice?",
            seller=seller.name or sentence("the seller"),
            wrong=wrong,
            code=entity.code,
        )
    )


def _customer(entity: LegalEntity, buyer: Party, terms: int, notes: list[Text]) -> Customer:
    """The buyer's customer: by SIRET, SIREN, VAT number, buyer id, then name; else new."""
    customers = Customer.objects.filter(entity=entity)
    for field, value in (
        ("siret", buyer.siret),
        ("siren", buyer.siren),
        ("vat_number__iexact", buyer.vat_number),
        ("external_id", buyer.party_id),
        ("name__iexact", buyer.name),
    ):
        if not value:
            continue
        found = list(customers.filter(**{field: value})[:2])
        if len(found) == 1:
            return found[0]
    external_id = (buyer.party_id or buyer.siret or buyer.siren or buyer.vat_number or buyer.name)[
        :50
    ]
    if customers.filter(external_id=external_id).exists():
        raise BadInput(
            sentence(
                "BT-44 (buyer): %(buyer)s matches no single customer and the external id "
                "%(external_id)s is taken: record the buyer's SIREN on its customer",
                buyer=_describe(buyer),
                external_id=repr(external_id),
            )
        )
    customer = Customer.objects.create(
        entity=entity,
        external_id=external_id,
        name=(buyer.name or external_id)[:200],
        siren=buyer.siren,
        siret=buyer.siret,
        vat_number=buyer.vat_number[:20],
        address=buyer.address[:250],
        postal_code=buyer.postal_code[:20],
        city=buyer.city[:100],
        country=(buyer.country or "FR")[:2],
        email=buyer.email[:254],
        payment_terms_days=terms,
    )
    notes.append(
        sentence(
            "customer %(name)s created from the invoice's buyer (external id %(external_id)s, "
            "payment terms %(days)s days): add its sales rep and contacts",
            name=customer.name,
            external_id=external_id,
            days=terms,
        )
    )
    return customer


def _import(
    run: ImportRun,
    entity: LegalEntity,
    invoice: FacturxInvoice,
    content: bytes,
    file_name: str,
    terms: int,
    notes: list[Text],
) -> None:
    with transaction.atomic():
        customer = _customer(entity, invoice.buyer, terms, notes)
        try:
            stored, action = record_invoice(
                entity=entity,
                customer=customer,
                number=invoice.number,
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                amount=invoice.amount,
                currency=invoice.currency,
            )
        except BadInput as refused:
            raise BadInput(
                sentence(
                    "%(term)s: %(number)s: %(reason)s",
                    term=TERMS["number"],
                    number=invoice.number,
                    reason=text_of(refused),
                )
            ) from refused
        _document, new = record_invoice_document(
            invoice=stored, content=content, file_name=file_name
        )
        if invoice.due_date is None:
            notes.append(
                sentence(
                    "the invoice has no due date (BT-9): due after the customer's payment "
                    "terms, on %(date)s",
                    date=f"{stored.due_date:%d/%m/%Y}",
                )
            )
        notes.append(
            sentence("PDF kept for reminders (%(size)s KB)", size=len(content) // 1024 + 1)
            if new
            else sentence("PDF already kept (same file): nothing added")
        )
        run.rows_created = int(action == "created")
        run.rows_updated = int(action == "updated")
        run.rows_unchanged = int(action == "unchanged")
        run.progress_done = run.progress_total = 1
        finish_run(
            run,
            ImportStatus.SUCCEEDED,
            message=_outcome(invoice, customer, run.rows_created, run.rows_updated),
            notes=notes,
        )


def _outcome(invoice: FacturxInvoice, customer: Customer, created: int, updated: int) -> Text:
    values = {"number": invoice.number, "customer": customer.name}
    if invoice.is_credit_note:
        if created:
            return sentence("credit note %(number)s of %(customer)s: created", **values)
        if updated:
            return sentence("credit note %(number)s of %(customer)s: updated", **values)
        return sentence("credit note %(number)s of %(customer)s: unchanged", **values)
    if created:
        return sentence("invoice %(number)s of %(customer)s: created", **values)
    if updated:
        return sentence("invoice %(number)s of %(customer)s: updated", **values)
    return sentence("invoice %(number)s of %(customer)s: unchanged", **values)
