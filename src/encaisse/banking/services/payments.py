"""The payments a statement's lines become: a credit the ERP already recorded, a new
payment, a refund (money paid back), and the IBANs a customer pays from."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from encaisse.banking.matching import (
    invoice_number_candidates,
)
from encaisse.banking.models import (
    BankLine,
    CustomerIban,
)
from encaisse.banking.parsers import (
    StatementLine,
)
from encaisse.banking.services.lines_base import NewLine, chunks
from encaisse.ledger.events import announce_payments_received
from encaisse.ledger.models import Invoice, InvoiceKind, LegalEntity, Payment

RECORDED_WITHIN_DAYS = 5  # an ERP books a transfer a few days before or after the bank


def already_recorded(credits: list[NewLine], entity: LegalEntity) -> dict[str, Payment]:
    """Credits the ledger already has as a payment no bank line claims yet, by line key.

    The same reference and amount; or, for a known payer, the same customer and amount
    within a few days. Each payment is claimed once.
    """
    if not credits:
        return {}
    references = {item.key: payment_reference(item.line, item.key) for item in credits}
    unclaimed = Payment.objects.filter(entity=entity, bank_line__isnull=True)
    by_reference: dict[str, Payment] = {}
    for chunk in chunks(sorted(set(references.values()))):
        by_reference.update(
            (payment.reference, payment) for payment in unclaimed.filter(reference__in=chunk)
        )
    customer_ids = sorted(
        {item.decision.customer_id for item in credits if item.decision.customer_id}
    )
    days = [item.line.booking_date for item in credits]
    margin = dt.timedelta(days=RECORDED_WITHIN_DAYS)
    by_customer: dict[int, list[Payment]] = defaultdict(list)
    for chunk in chunks(customer_ids):
        for payment in unclaimed.filter(
            customer_id__in=chunk, date__gte=min(days) - margin, date__lte=max(days) + margin
        ).order_by("date", "pk"):
            by_customer[payment.customer_id].append(payment)
    found: dict[str, Payment] = {}
    claimed: set[int] = set()
    for item in credits:
        line = item.line
        same: Payment | None = by_reference.get(references[item.key])
        if same is None or same.amount != line.amount or same.pk in claimed:
            same = next(
                (
                    candidate
                    for candidate in by_customer.get(item.decision.customer_id or 0, [])
                    if candidate.pk not in claimed
                    and candidate.amount == line.amount
                    and abs((candidate.date - line.booking_date).days) <= RECORDED_WITHIN_DAYS
                ),
                None,
            )
        if same is not None:
            claimed.add(same.pk)
            found[item.key] = same
    return found


def refunds_paid_back(debits: list[NewLine], entity: LegalEntity) -> dict[str, tuple[Payment, int]]:
    """Debits that pay a customer's credit note back, when it is certain: the remittance
    names the credit note, or the customer is known by its IBAN and has exactly one open
    credit note of that amount. A refund (a negative payment) per line, by line key, with
    the credit note it settles; other debits (suppliers, salaries...) are not customers'."""
    if not debits:
        return {}
    tokens = {
        item.key: invoice_number_candidates(item.line.remittance_info, item.line.additional_info)
        for item in debits
    }
    numbers = sorted(set().union(*tokens.values()))
    ibans = sorted({item.line.counterparty_iban for item in debits if item.line.counterparty_iban})
    by_iban: dict[str, set[int]] = defaultdict(set)
    for chunk in chunks(ibans):
        for iban, customer_id in CustomerIban.objects.filter(
            iban__in=chunk, customer__entity=entity
        ).values_list("iban", "customer_id"):
            by_iban[iban].add(customer_id)
    notes = Invoice.objects.open().filter(entity=entity, kind=InvoiceKind.CREDIT_NOTE)
    named: dict[str, tuple[int, int, Decimal, str]] = {}
    for chunk in chunks(numbers):
        for pk, number, customer_id, open_amount, currency in notes.filter(
            number__in=chunk
        ).values_list("pk", "number", "customer_id", "open_amount", "currency"):
            named[number.upper()] = (pk, customer_id, open_amount, currency)
    customers = sorted({c for ids in by_iban.values() if len(ids) == 1 for c in ids})
    by_customer: dict[int, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for chunk in chunks(customers):
        for pk, customer_id, open_amount, currency in notes.filter(
            customer_id__in=chunk
        ).values_list("pk", "customer_id", "open_amount", "currency"):
            by_customer[customer_id].append((pk, open_amount, currency))
    found: dict[str, tuple[int, int]] = {}  # key -> (customer, credit note)
    used: set[int] = set()
    for item in debits:
        line = item.line
        choice = [
            (named[number][1], named[number][0])
            for number in sorted(tokens[item.key])
            if number in named
            and named[number][2] == line.amount
            and named[number][3] == line.currency
        ]
        if not choice and len(by_iban.get(line.counterparty_iban, ())) == 1:
            (customer_id,) = by_iban[line.counterparty_iban]
            choice = [
                (customer_id, pk)
                for pk, open_amount, currency in by_customer.get(customer_id, [])
                if open_amount == line.amount and currency == line.currency
            ]
        if len(choice) == 1 and choice[0][1] not in used:
            used.add(choice[0][1])
            found[item.key] = choice[0]
    refunds: dict[str, tuple[Payment, int]] = {}
    for item in debits:
        if item.key not in found:
            continue
        customer_id, note_id = found[item.key]
        reference = payment_reference(item.line, item.key)
        if Payment.objects.filter(entity=entity, reference=reference).exists():
            reference = f"{reference[:60]}-{item.key[:12]}"
        refund = _payment_of(item, entity=entity, customer_id=customer_id, reference=reference)
        refund.save()
        refunds[item.key] = (refund, note_id)
    return refunds


def new_payments(credits: list[NewLine], entity: LegalEntity) -> dict[str, Payment]:
    """A Payment per credit whose customer is known, by line key (bulk)."""
    wanted = [
        (item, item.decision.customer_id)
        for item in credits
        if item.decision.customer_id is not None
    ]
    references = {item.key: payment_reference(item.line, item.key) for item, _ in wanted}
    taken: set[str] = set()
    for chunk in chunks(sorted(set(references.values()))):
        taken |= set(
            Payment.objects.filter(entity=entity, reference__in=chunk).values_list(
                "reference", flat=True
            )
        )
    payments: dict[str, Payment] = {}
    for item, customer_id in wanted:
        reference = references[item.key]
        if reference in taken:  # another payment has it (an ERP import...): keep both apart
            reference = f"{reference[:60]}-{item.key[:12]}"
        taken.add(reference)
        payments[item.key] = _payment_of(
            item, entity=entity, customer_id=customer_id, reference=reference
        )
    Payment.objects.bulk_create(list(payments.values()), batch_size=500)
    announce_payments_received(payments.values())
    return payments


def payment_reference(line: StatementLine | BankLine, key: str) -> str:
    """The bank's reference of the movement, or one made from its key when it has none."""
    reference = " ".join((line.bank_reference or "").split())
    return reference[:80] if reference else f"BANK-{key[:16].upper()}"


def learn_ibans(learned: set[tuple[int, str]], stored: list[BankLine]) -> None:
    if not learned:
        return
    line_by_iban = {line.counterparty_iban: line for line in stored if line.counterparty_iban}
    CustomerIban.objects.bulk_create(
        [
            CustomerIban(customer_id=customer_id, iban=iban, learned_from=line_by_iban.get(iban))
            for customer_id, iban in sorted(learned)
        ],
        ignore_conflicts=True,
    )


def _payment_of(item: NewLine, *, entity: LegalEntity, customer_id: int, reference: str) -> Payment:
    """The payment a statement line brings (a refund when it is a debit), nothing allocated."""
    return Payment(
        entity=entity,
        customer_id=customer_id,
        reference=reference,
        date=item.line.booking_date,
        amount=item.line.amount,
        currency=item.line.currency,
        unallocated_amount=item.line.amount,
    )
