"""What a statement's new lines become: matched to invoices when it is certain (see
``banking.matching``), payments and refunds (``banking.services.payments``), returned
payments (``banking.returns``), the IBANs learned, then the open amounts of what it touched
(``ledger.services.record_allocations``, set-based)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal

from encaisse.banking.matching import (
    Decision,
    OpenInvoice,
    decide,
    invoice_number_candidates,
    normalize_name,
)
from encaisse.banking.models import (
    BankLine,
    CustomerIban,
    LineStatus,
    MatchMethod,
)
from encaisse.banking.parsers import (
    StatementLine,
)
from encaisse.banking.returns import ReturnedLine, is_return, record_returns
from encaisse.banking.services.lines_base import NewLine, Outcome, chunks
from encaisse.banking.services.payments import (
    already_recorded,
    learn_ibans,
    new_payments,
    refunds_paid_back,
)
from encaisse.core.i18n import sentence_plural
from encaisse.core.money import ZERO
from encaisse.ledger.models import (
    Allocation,
    Customer,
    Invoice,
    InvoiceKind,
    LegalEntity,
    Payment,
)
from encaisse.ledger.references import customers_in
from encaisse.ledger.services import record_allocations
from encaisse.ledger.signals import invoices_paid, is_news


class _Candidates:
    """What matching needs, loaded in bulk for all the credits of a file."""

    def __init__(self, entity: LegalEntity, credits: list[StatementLine]) -> None:
        self.entity = entity
        self.tokens = {
            id(line): invoice_number_candidates(line.remittance_info, line.additional_info)
            for line in credits
        }
        numbers = sorted(set().union(*self.tokens.values())) if self.tokens else []
        named_customers: set[int] = set()
        self.invoice_ids_by_number: dict[str, int] = {}
        for chunk in chunks(numbers):
            for pk, number, customer_id in Invoice.objects.filter(
                entity=entity, kind=InvoiceKind.INVOICE, number__in=chunk
            ).values_list("pk", "number", "customer_id"):
                self.invoice_ids_by_number[number.upper()] = pk
                named_customers.add(customer_id)
        ibans = sorted({line.counterparty_iban for line in credits if line.counterparty_iban})
        self.customers_by_iban: dict[str, set[int]] = defaultdict(set)
        for chunk in chunks(ibans):
            for iban, customer_id in CustomerIban.objects.filter(
                iban__in=chunk, customer__entity=entity
            ).values_list("iban", "customer_id"):
                self.customers_by_iban[iban].add(customer_id)
        self.referenced = {
            id(line): customers_in(line.remittance_info, line.additional_info) for line in credits
        }
        referenced = set().union(*self.referenced.values()) if self.referenced else set()
        known_referenced = set(
            Customer.objects.filter(entity=entity, pk__in=sorted(referenced)).values_list(
                "pk", flat=True
            )
        )  # a reference of another company's customer names nobody here
        self.referenced = {key: ids & known_referenced for key, ids in self.referenced.items()}
        names = {normalize_name(line.counterparty_name) for line in credits}
        names.discard("")
        self.customers_by_name: dict[str, set[int]] = defaultdict(set)
        if names:
            for customer_id, name in (
                Customer.objects.filter(entity=entity).values_list("pk", "name").iterator()
            ):
                normalized = normalize_name(name)
                if normalized in names:
                    self.customers_by_name[normalized].add(customer_id)
        customers = named_customers.union(
            known_referenced, *self.customers_by_iban.values(), *self.customers_by_name.values()
        )
        # Locked until the end of the import: a reconciliation at the same time waits.
        self.open: dict[int, OpenInvoice] = {}
        self.open_by_customer: dict[int, dict[int, OpenInvoice]] = defaultdict(dict)
        for chunk in chunks(sorted(customers)):
            for invoice in (
                Invoice.objects.receivable()
                .select_for_update()
                .filter(customer_id__in=chunk)
                .order_by("due_date", "pk")
                .values("pk", "customer_id", "number", "open_amount", "currency", "due_date")
            ):
                self._set(OpenInvoice(**invoice))

    def _set(self, invoice: OpenInvoice) -> None:
        self.open[invoice.pk] = invoice
        self.open_by_customer[invoice.customer_id][invoice.pk] = invoice

    def decide(self, line: StatementLine) -> Decision:
        named = [
            self.open[pk]
            for number in sorted(self.tokens[id(line)])
            if (pk := self.invoice_ids_by_number.get(number)) is not None and pk in self.open
        ]
        iban_customers = self.customers_by_iban.get(line.counterparty_iban, set())
        name_customers = self.customers_by_name.get(normalize_name(line.counterparty_name), set())
        referenced = self.referenced.get(id(line), set())
        by_customer = {
            customer_id: list(self.open_by_customer.get(customer_id, {}).values())
            for customer_id in iban_customers | name_customers | referenced
        }
        decision = decide(
            amount=line.amount,
            currency=line.currency,
            named=named,
            iban_customers=iban_customers,
            name_customers=name_customers,
            open_invoices=by_customer,
            reference_customers=referenced,
        )
        for pk, amount in decision.allocations:  # later lines see what this one settled
            invoice = self.open[pk]
            left = invoice.open_amount - amount
            if left > 0:
                self._set(dataclasses.replace(invoice, open_amount=left))
            else:
                del self.open[pk], self.open_by_customer[invoice.customer_id][pk]
        return decision


def _tell_reps_who_paid(allocations: list[Allocation]) -> None:
    """One notice per rep for the whole statement (collaboration listens to the ledger);
    not for a payment the same statement returned, nor for an old one."""
    payment_ids = sorted({a.payment_id for a in allocations if a.payment_id is not None})
    returned: set[int] = set()
    for chunk in chunks(payment_ids):
        returned |= set(
            Payment.objects.filter(returns_id__in=chunk).values_list("returns_id", flat=True)
        )
    allocated: dict[int, Decimal] = {}
    for allocation in allocations:
        if (
            allocation.invoice_id is not None
            and allocation.payment_id not in returned
            and is_news(allocation.date)
        ):
            allocated[allocation.invoice_id] = (
                allocated.get(allocation.invoice_id, ZERO) + allocation.amount
            )
    if allocated:
        invoices_paid.send(sender=Allocation, allocated=allocated)


def match_and_store(new_lines: list[NewLine], entity: LegalEntity, outcome: Outcome) -> None:
    # A reversed debit (MT940 RD: our own transfer coming back) is money in, not a payment.
    credits = [item for item in new_lines if item.line.is_credit and not item.line.is_reversal]
    candidates = _Candidates(entity, [item.line for item in credits])
    for item in credits:
        item.decision = candidates.decide(item.line)
    recorded = already_recorded(credits, entity)
    payments = {**new_payments([c for c in credits if c.key not in recorded], entity), **recorded}
    refunds = refunds_paid_back(
        [i for i in new_lines if i.line.amount < 0 and not is_return(i.line)], entity
    )
    payments.update({key: refund for key, (refund, _note) in refunds.items()})
    rows = []
    allocations: list[Allocation] = [
        Allocation(
            invoice_id=note_id, payment=refund, amount=refund.amount, date=refund.date,
            credit_note=None,
        )
        for refund, note_id in refunds.values()
    ]  # fmt: skip
    learned: set[tuple[int, str]] = set()
    for item in new_lines:
        line, decision = item.line, item.decision
        payment = payments.get(item.key)
        status: str
        method: str
        if is_return(line):  # tied to its payment below, once the credits are lettered
            status, method = LineStatus.TO_RECONCILE, ""
        elif item.key in refunds:
            status, method = LineStatus.MATCHED, MatchMethod.REFUND
            outcome.refunds += 1
        elif not line.is_credit or line.is_reversal:
            status, method = LineStatus.IGNORED, MatchMethod.DEBIT
            outcome.debits += 1
        elif item.key in recorded:  # the ERP sent it already: the same money, once
            status, method = LineStatus.MATCHED, MatchMethod.ALREADY_RECORDED
            outcome.already_recorded += 1
        elif decision.allocations and payment is not None:
            status, method = LineStatus.MATCHED, decision.method
            outcome.matched += 1
            allocations.extend(
                Allocation(
                    invoice_id=invoice_id,
                    payment=payment,
                    amount=amount,
                    date=line.booking_date,
                    credit_note=None,
                )
                for invoice_id, amount in decision.allocations
            )
            if line.counterparty_iban and decision.customer_id:
                learned.add((decision.customer_id, line.counterparty_iban))
        else:
            status, method = LineStatus.TO_RECONCILE, ""
            outcome.to_reconcile += 1
        rows.append(
            BankLine(
                statement=item.statement,
                account_id=item.statement.account_id,
                entry=line.entry,
                booking_date=line.booking_date,
                value_date=line.value_date,
                amount=line.amount,
                currency=line.currency,
                counterparty_name=line.counterparty_name,
                counterparty_iban=line.counterparty_iban,
                remittance_info=line.remittance_info,
                additional_info=line.additional_info,
                bank_reference=line.bank_reference,
                end_to_end_id=line.end_to_end_id,
                transaction_code=line.transaction_code,
                return_reason=line.return_reason[:4],
                unique_key=item.key,
                status=status,
                match_method=method,
                payment=payment,
            )
        )
    stored = BankLine.objects.bulk_create(rows, batch_size=500)
    record_allocations(allocations)
    learn_ibans(learned, stored)
    returns = [
        ReturnedLine(line=stored_line, return_reason=item.line.return_reason)
        for stored_line, item in zip(stored, new_lines, strict=True)
        if is_return(item.line)
    ]
    if returns:  # after the credits: a credit and its return in one file undo each other
        outcome.returned, outcome.returns_waiting = record_returns(returns, entity)
    _tell_reps_who_paid([a for a in allocations if a.payment is not None and a.payment.amount > 0])
    if outcome.matched:
        outcome.notes.append(
            sentence_plural(
                "%(count)s payment matched to invoices automatically",
                "%(count)s payments matched to invoices automatically",
                outcome.matched,
            )
        )
    if outcome.to_reconcile:
        outcome.notes.append(
            sentence_plural(
                "%(count)s credit to reconcile by hand on /bank/reconciliation/",
                "%(count)s credits to reconcile by hand on /bank/reconciliation/",
                outcome.to_reconcile,
            )
        )
    if outcome.debits:
        outcome.notes.append(
            sentence_plural(
                "%(count)s debit (money out) kept aside as ignored lines",
                "%(count)s debits (money out) kept aside as ignored lines",
                outcome.debits,
            )
        )
    if outcome.already_recorded:
        outcome.notes.append(
            sentence_plural(
                "%(count)s credit already in the ledger as a payment (imported from the ERP): "
                "linked to it, not counted twice",
                "%(count)s credits already in the ledger as a payment (imported from the ERP): "
                "linked to it, not counted twice",
                outcome.already_recorded,
            )
        )
    if outcome.refunds:
        outcome.notes.append(
            sentence_plural(
                "%(count)s debit recorded as the refund of a customer's credit note",
                "%(count)s debits recorded as the refund of a customer's credit note",
                outcome.refunds,
            )
        )
    if outcome.returned:
        outcome.notes.append(
            sentence_plural(
                "%(count)s returned payment tied to the payment it gives back: its invoices are "
                "open again",
                "%(count)s returned payments tied to the payment it gives back: its invoices "
                "are open again",
                outcome.returned,
            )
        )
    if outcome.returns_waiting:
        outcome.notes.append(
            sentence_plural(
                "%(count)s returned payment to tie to its payment by hand on /bank/reconciliation/",
                "%(count)s returned payments to tie to its payment by hand on "
                "/bank/reconciliation/",
                outcome.returns_waiting,
            )
        )
