"""Importing a Factur-X PDF invoice: the invoice upserted by number, its buyer found (or
created), the PDF kept for reminders; all in one transaction, with its ImportRun."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Q

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.imports.facturx.reader import MAX_PDF_BYTES, FacturxInvoice, Party, read_facturx_pdf
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

# The business terms named in messages, as EN 16931 numbers them.
TERMS = {
    "number": "BT-1 (invoice number)",
    "customer_external_id": "BT-44 (buyer)",
    "issue_date": "BT-2 (issue date)",
    "due_date": "BT-9 (payment due date)",
    "amount": "BT-115 (amount due for payment)",
    "currency": "BT-5 (currency)",
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
        content = read_file_bytes(
            path,
            max_bytes=MAX_PDF_BYTES,
            too_large=f"the PDF is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB",
        )
        invoice = read_facturx_pdf(content)
        run.file_format = {"format": "Factur-X PDF"}
        if invoice.profile:
            run.file_format["profile"] = invoice.profile.upper()
        notes: list[str] = []
        legal_entity = _legal_entity(entity, invoice.seller, notes)
        if legal_entity is None:
            _import_first(run, invoice, content, terms, notes)
        else:
            run.entity = legal_entity
            _import(run, legal_entity, invoice, content, run.file_name, terms, notes)
    return result_of(run)


def _describe(party: Party) -> str:
    ids = [f"SIREN {party.siren}" if party.siren else "", party.vat_number]
    shown = ", ".join(i for i in ids if i)
    return f"{party.name or 'without a name'}" + (f" ({shown})" if shown else "")


def _legal_entity(code: str | None, seller: Party, notes: list[str]) -> LegalEntity | None:
    """The legal entity that issued the invoice: the seller, checked by SIREN or VAT; None
    when there is no legal entity yet (the seller becomes the first one)."""
    if code:
        entity = LegalEntity.objects.filter(code__iexact=code).first()
        if entity is None:
            known = ", ".join(LegalEntity.objects.values_list("code", flat=True)) or "none yet"
            raise BadInput(f"--entity: no legal entity {code!r} (known: {known})")
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
                f"legal entity {only.code} has no SIREN or VAT number: the seller "
                f"{_describe(seller)} could not be checked (record them in the administration)"
            )
            return only
        _check_seller(only, seller)
        return only
    if not entities:
        return None
    raise BadInput(
        f"the seller {_describe(seller)} is none of the legal entities of Encaisse: is this a "
        "supplier's invoice? (--entity CODE chooses the entity)"
    )


def _import_first(
    run: ImportRun, invoice: FacturxInvoice, content: bytes, terms: int, notes: list[str]
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


def _entity_from_seller(invoice: FacturxInvoice, notes: list[str]) -> LegalEntity:
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
        notes.append(f"the seller's details left out: {error}")
        entity = create_legal_entity(
            code=FIRST_ENTITY_CODE,
            name=name,
            **{field: "" if field in error.errors else value for field, value in values.items()},
        )
    recorded = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("SIREN", entity.siren),
            ("VAT number", entity.vat_number),
            ("IBAN", entity.iban),
        )
        if value
    )
    notes.append(
        f"there was no legal entity yet: {entity.code} ({entity.name}"
        + (f", {recorded}" if recorded else "")
        + ") was created from the invoice's seller; check it and give it your code on the "
        f"Company page, or with `encaisse entity set {entity.code} --code CODE`"
    )
    return entity


def _check_seller(entity: LegalEntity, seller: Party) -> None:
    if entity.siren and seller.siren and entity.siren != seller.siren:
        wrong = f"SIREN {seller.siren}, not {entity.siren}"
    elif (
        entity.vat_number
        and seller.vat_number
        and entity.vat_number.replace(" ", "").upper() != seller.vat_number
    ):
        wrong = f"VAT number {seller.vat_number}, not {entity.vat_number}"
    else:
        return
    raise BadInput(
        f"BT-27 (seller): {seller.name or 'the seller'} has {wrong} of legal entity "
        f"{entity.code}: is this a supplier's invoice?"
    )


def _customer(entity: LegalEntity, buyer: Party, terms: int, notes: list[str]) -> Customer:
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
            f"BT-44 (buyer): {_describe(buyer)} matches no single customer and the external "
            f"id {external_id!r} is taken: record the buyer's SIREN on its customer"
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
        f"customer {customer.name} created from the invoice's buyer (external id "
        f"{external_id}, payment terms {terms} days): add its sales rep and contacts"
    )
    return customer


def _import(
    run: ImportRun,
    entity: LegalEntity,
    invoice: FacturxInvoice,
    content: bytes,
    file_name: str,
    terms: int,
    notes: list[str],
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
            raise BadInput(f"{TERMS['number']}: {invoice.number}: {refused}") from refused
        _document, new = record_invoice_document(
            invoice=stored, content=content, file_name=file_name
        )
        if invoice.due_date is None:
            notes.append(
                "the invoice has no due date (BT-9): due after the customer's payment "
                f"terms, on {stored.due_date:%d/%m/%Y}"
            )
        notes.append(
            f"PDF kept for reminders ({len(content) // 1024 + 1} KB)"
            if new
            else "PDF already kept (same file): nothing added"
        )
        run.rows_created = int(action == "created")
        run.rows_updated = int(action == "updated")
        run.rows_unchanged = int(action == "unchanged")
        run.progress_done = run.progress_total = 1
        kind = "credit note" if invoice.is_credit_note else "invoice"
        finish_run(
            run,
            ImportStatus.SUCCEEDED,
            message=f"{kind} {invoice.number} of {customer.name}: {action}",
            notes=notes,
        )
