"""Importing bank statements, and reconciling what the import could not match.

``import_bank_statement`` is the ``bank`` kind of ``encaisse import`` (registered in
``BankingConfig.ready``). It records an ImportRun whatever happens and writes everything or
nothing: statements, lines, a Payment per credit whose customer is known, the allocations
it is certain of (see ``banking.matching``), the IBANs learned, then the open amounts of
what it touched (``ledger.services.record_allocations``, set-based).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from encaisse.accounts.models import User
from encaisse.banking.matching import (
    Decision,
    OpenInvoice,
    decide,
    invoice_number_candidates,
    normalize_name,
)
from encaisse.banking.models import (
    BankAccount,
    BankLine,
    BankStatement,
    CustomerIban,
    LineStatus,
    MatchMethod,
)
from encaisse.banking.parsers import (
    MAX_FILE_BYTES,
    Statement,
    StatementFile,
    StatementLine,
    line_keys,
    read_statement_file,
    too_large,
)
from encaisse.banking.parsers.wording import compact_iban
from encaisse.banking.returns import ReturnedLine, is_return, record_returns
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence, sentence_plural
from encaisse.imports.models import ImportKind, ImportRun, ImportStatus
from encaisse.imports.services import (
    MAX_PROBLEMS_KEPT,
    ImportResult,
    failures_recorded,
    finish_run,
    read_file_bytes,
    resolve_entity,
    result_of,
    start_run,
)
from encaisse.ledger.models import Allocation, Customer, Invoice, InvoiceKind, LegalEntity, Payment
from encaisse.ledger.references import customers_in
from encaisse.ledger.services import allocate, record_allocations

_CHUNK = 900  # under SQLite's bound-parameter limit


def import_bank_statement(
    *,
    path: str | Path,
    entity: str | None = None,
    partial: bool = False,
    user: User | None = None,
    options: dict[str, Any] | None = None,
) -> ImportResult:
    """Import a camt.053, MT940 or OFX file (format read from the content).

    Raises nothing for bad input: the result's status says FAILED and its message or
    problems say why. ``partial`` imports the good entries of a file with bad ones.
    ``options["import_run_id"]``: the queued run of an upload, filled in instead of a new
    one (the command's other options do not apply to statements).
    """
    path = Path(path)
    run = _run(path, entity=entity, partial=partial, user=user, options=options or {})
    with failures_recorded(run):
        data = read_file_bytes(path, max_bytes=MAX_FILE_BYTES, too_large=too_large())
        parsed = read_statement_file(data)
        run.file_format = _file_format(parsed)
        legal_entity = _entity(entity, parsed)
        run.entity = legal_entity
        run.problems = [problem.as_dict() for problem in parsed.problems[:MAX_PROBLEMS_KEPT]]
        run.problem_count = len(parsed.problems)
        run.progress_done = run.progress_total = parsed.entries
        if parsed.problems and not partial:
            run.rows_rejected = parsed.bad_entries
            finish_run(
                run,
                ImportStatus.FAILED,
                message=sentence(
                    "nothing was imported: %(problems)s in %(bad)s of %(entries)s (fix them, or "
                    "import with --partial to import the good entries)",
                    problems=sentence_plural(
                        "%(count)s problem", "%(count)s problems", len(parsed.problems)
                    ),
                    bad=parsed.bad_entries,
                    entries=sentence_plural("%(count)s entry", "%(count)s entries", parsed.entries),
                ),
                notes=parsed.notes,
            )
            return result_of(run)
        if not any(statement.lines for statement in parsed.statements):
            if parsed.problems:
                run.rows_rejected = parsed.bad_entries
                raise BadInput(sentence("nothing was imported: every entry has a problem"))
            raise BadInput(sentence("the statement has no entry (no movement to import)"))
        with transaction.atomic():
            outcome = _write(parsed, legal_entity, hashlib.sha256(data).hexdigest(), run)
            run.rows_created = outcome.created
            run.rows_unchanged = outcome.unchanged
            run.rows_rejected = parsed.bad_entries
            status = ImportStatus.PARTIAL if parsed.problems else ImportStatus.SUCCEEDED
            finish_run(run, status, message=outcome.summary(), notes=parsed.notes + outcome.notes)
    return result_of(run)


def _run(
    path: Path, *, entity: str | None, partial: bool, user: User | None, options: dict[str, Any]
) -> ImportRun:
    queued = options.get("import_run_id")
    run = (
        ImportRun.objects.filter(pk=queued, kind=ImportKind.BANK).first()
        if isinstance(queued, int)
        else None
    )
    return start_run(
        kind=ImportKind.BANK,
        path=path,
        user=user,
        options={"entity": entity or "", "partial": partial},
        run=run,
    )


def _file_format(parsed: StatementFile) -> dict[str, str]:
    accounts = sorted({statement.account for statement in parsed.statements})
    detected = {"format": parsed.format}
    if accounts:
        detected["account"] = ", ".join(accounts)
    detected["entries"] = str(parsed.entries)
    return detected


def _entity(code: str | None, parsed: StatementFile) -> LegalEntity:
    """The entity that owns the statement's account (its IBAN, or an account it imported
    statements of); else the given one; else the only one. An account is one company's: a
    statement of another company's account is refused, never imported a second time."""
    identifiers = {statement.account for statement in parsed.statements}
    owners = set(
        BankAccount.objects.filter(identifier__in=identifiers).values_list("entity_id", flat=True)
    )
    ibans = {statement.iban for statement in parsed.statements if statement.iban}
    owners |= set(LegalEntity.objects.filter(iban__in=ibans).values_list("pk", flat=True))
    if len(owners) > 1:
        raise BadInput(
            sentence("the statement's accounts belong to several legal entities: split it")
        )
    owner = LegalEntity.objects.get(pk=owners.pop()) if owners else None
    if not code and owner is not None:
        return owner
    choice = resolve_entity(code)
    if choice.pk is None:  # pragma: no cover - only with create_missing, never given here
        raise BadInput(sentence("--entity: no legal entity %(code)s", code=repr(code)))
    if owner is not None and owner.pk != choice.pk:
        raise BadInput(
            sentence(
                "--entity: the account %(account)s is %(owner)s's, not %(chosen)s's (import it "
                "without --entity, or with --entity %(owner)s)",
                account=sorted(identifiers)[0],
                owner=owner.code,
                chosen=choice.code,
            )
        )
    return LegalEntity.objects.get(pk=choice.pk)


@dataclass
class _Outcome:
    created: int = 0
    unchanged: int = 0
    matched: int = 0
    to_reconcile: int = 0
    debits: int = 0
    already_recorded: int = 0
    returned: int = 0
    returns_waiting: int = 0
    refunds: int = 0
    notes: list[Text] = field(default_factory=list)

    def summary(self) -> Text:
        if not self.created:
            return sentence_plural(
                "nothing added: %(count)s line already imported",
                "nothing added: %(count)s lines already imported",
                self.unchanged,
            )
        summary = sentence(
            "%(lines)s added: %(matched)s matched to invoices, %(to_reconcile)s to reconcile, "
            "%(debits)s ignored",
            lines=sentence_plural("%(count)s line", "%(count)s lines", self.created),
            matched=self.matched,
            to_reconcile=self.to_reconcile,
            debits=sentence_plural("%(count)s debit", "%(count)s debits", self.debits),
        )
        if self.returned or self.returns_waiting:
            return sentence(
                "%(summary)s, %(returned)s",
                summary=summary,
                returned=sentence_plural(
                    "%(count)s returned payment",
                    "%(count)s returned payments",
                    self.returned + self.returns_waiting,
                ),
            )
        return summary


@dataclass
class _NewLine:
    line: StatementLine
    key: str
    statement: BankStatement
    decision: Decision = field(default_factory=Decision)


def _write(parsed: StatementFile, entity: LegalEntity, sha256: str, run: ImportRun) -> _Outcome:
    outcome = _Outcome()
    new_lines: list[_NewLine] = []
    repeats: list[int] = []
    identifiers: set[tuple[int, str]] = set()
    for statement in parsed.statements:
        account = _account(entity, statement)
        identifier = statement.identifier[:110]
        while (account.pk, identifier) in identifiers:  # the same id twice in one file
            identifier = f"{statement.identifier[:110]} #{len(identifiers) + 1}"
        identifiers.add((account.pk, identifier))
        existing = BankStatement.objects.filter(
            account=account, sha256=sha256, identifier=identifier
        ).first()
        if existing is not None:
            outcome.unchanged += len(statement.lines)
            repeats.append(existing.import_run_id or 0)
            continue
        stored = BankStatement(
            account=account,
            identifier=identifier,
            from_date=statement.from_date,
            to_date=statement.to_date,
            file_format=parsed.format[:40],
            sha256=sha256,
            import_run=run,
        )
        keys = line_keys(statement.lines)
        known: set[str] = set()
        for chunk in _chunks(keys):
            known |= set(
                BankLine.objects.filter(account=account, unique_key__in=chunk).values_list(
                    "unique_key", flat=True
                )
            )
        for line, key in zip(statement.lines, keys, strict=True):
            if key in known:
                outcome.unchanged += 1
            else:
                known.add(key)
                if stored.pk is None:  # a statement is kept when it brings a line
                    stored.save()
                new_lines.append(_NewLine(line=line, key=key, statement=stored))
    if repeats and not new_lines:
        earlier = ", ".join(f"#{number}" for number in sorted(set(repeats)) if number)
        outcome.notes.append(
            sentence(
                "this statement was already imported (import %(imports)s): nothing was added",
                imports=earlier,
            )
            if earlier
            else sentence("this statement was already imported: nothing was added")
        )
    if new_lines:
        _match_and_store(new_lines, entity, outcome)
    outcome.created = len(new_lines)
    return outcome


def _account(entity: LegalEntity, statement: Statement) -> BankAccount:
    account, _ = BankAccount.objects.get_or_create(
        entity=entity,
        identifier=statement.account[:64],
        defaults={"iban": statement.iban, "currency": statement.currency[:3] or "EUR"},
    )
    return account


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


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
        for chunk in _chunks(numbers):
            for pk, number, customer_id in Invoice.objects.filter(
                entity=entity, kind=InvoiceKind.INVOICE, number__in=chunk
            ).values_list("pk", "number", "customer_id"):
                self.invoice_ids_by_number[number.upper()] = pk
                named_customers.add(customer_id)
        ibans = sorted({line.counterparty_iban for line in credits if line.counterparty_iban})
        self.customers_by_iban: dict[str, set[int]] = defaultdict(set)
        for chunk in _chunks(ibans):
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
        for chunk in _chunks(sorted(customers)):
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


def _match_and_store(new_lines: list[_NewLine], entity: LegalEntity, outcome: _Outcome) -> None:
    # A reversed debit (MT940 RD: our own transfer coming back) is money in, not a payment.
    credits = [item for item in new_lines if item.line.is_credit and not item.line.is_reversal]
    candidates = _Candidates(entity, [item.line for item in credits])
    for item in credits:
        item.decision = candidates.decide(item.line)
    recorded = _already_recorded(credits, entity)
    payments = {**_payments([c for c in credits if c.key not in recorded], entity), **recorded}
    refunds = _refunds(
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
    _learn_ibans(learned, stored)
    returns = [
        ReturnedLine(line=stored_line, return_reason=item.line.return_reason)
        for stored_line, item in zip(stored, new_lines, strict=True)
        if is_return(item.line)
    ]
    if returns:  # after the credits: a credit and its return in one file undo each other
        outcome.returned, outcome.returns_waiting = record_returns(returns, entity)
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


RECORDED_WITHIN_DAYS = 5  # an ERP books a transfer a few days before or after the bank


def _already_recorded(credits: list[_NewLine], entity: LegalEntity) -> dict[str, Payment]:
    """Credits the ledger already has as a payment no bank line claims yet, by line key.

    The same reference and amount; or, for a known payer, the same customer and amount
    within a few days. Each payment is claimed once.
    """
    if not credits:
        return {}
    references = {item.key: payment_reference(item.line, item.key) for item in credits}
    unclaimed = Payment.objects.filter(entity=entity, bank_line__isnull=True)
    by_reference: dict[str, Payment] = {}
    for chunk in _chunks(sorted(set(references.values()))):
        by_reference.update(
            (payment.reference, payment) for payment in unclaimed.filter(reference__in=chunk)
        )
    customer_ids = sorted(
        {item.decision.customer_id for item in credits if item.decision.customer_id}
    )
    days = [item.line.booking_date for item in credits]
    margin = dt.timedelta(days=RECORDED_WITHIN_DAYS)
    by_customer: dict[int, list[Payment]] = defaultdict(list)
    for chunk in _chunks(customer_ids):
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


def _refunds(debits: list[_NewLine], entity: LegalEntity) -> dict[str, tuple[Payment, int]]:
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
    for chunk in _chunks(ibans):
        for iban, customer_id in CustomerIban.objects.filter(
            iban__in=chunk, customer__entity=entity
        ).values_list("iban", "customer_id"):
            by_iban[iban].add(customer_id)
    notes = Invoice.objects.open().filter(entity=entity, kind=InvoiceKind.CREDIT_NOTE)
    named: dict[str, tuple[int, int, Decimal, str]] = {}
    for chunk in _chunks(numbers):
        for pk, number, customer_id, open_amount, currency in notes.filter(
            number__in=chunk
        ).values_list("pk", "number", "customer_id", "open_amount", "currency"):
            named[number.upper()] = (pk, customer_id, open_amount, currency)
    customers = sorted({c for ids in by_iban.values() if len(ids) == 1 for c in ids})
    by_customer: dict[int, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for chunk in _chunks(customers):
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
        refund = Payment.objects.create(
            entity=entity,
            customer_id=customer_id,
            reference=reference,
            date=item.line.booking_date,
            amount=item.line.amount,
            currency=item.line.currency,
            unallocated_amount=item.line.amount,
        )
        refunds[item.key] = (refund, note_id)
    return refunds


def _payments(credits: list[_NewLine], entity: LegalEntity) -> dict[str, Payment]:
    """A Payment per credit whose customer is known, by line key (bulk)."""
    wanted = [
        (item, item.decision.customer_id)
        for item in credits
        if item.decision.customer_id is not None
    ]
    references = {item.key: payment_reference(item.line, item.key) for item, _ in wanted}
    taken: set[str] = set()
    for chunk in _chunks(sorted(set(references.values()))):
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
        payments[item.key] = Payment(
            entity=entity,
            customer_id=customer_id,
            reference=reference,
            date=item.line.booking_date,
            amount=item.line.amount,
            currency=item.line.currency,
            unallocated_amount=item.line.amount,
        )
    Payment.objects.bulk_create(list(payments.values()), batch_size=500)
    return payments


def payment_reference(line: StatementLine | BankLine, key: str) -> str:
    """The bank's reference of the movement, or one made from its key when it has none."""
    reference = " ".join((line.bank_reference or "").split())
    return reference[:80] if reference else f"BANK-{key[:16].upper()}"


def _learn_ibans(learned: set[tuple[int, str]], stored: list[BankLine]) -> None:
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


# ----------------------------------------------------------------------------------------------


@transaction.atomic
def reconcile_line(
    *, line: BankLine, customer: Customer, invoices: Sequence[Invoice], user: User
) -> BankLine:
    """Finance says whose payment a credit is and which invoices it pays.

    The payment is created (or given to that customer), lettered to the invoices oldest due
    first up to its amount (what is left stays unallocated on the customer's account), and
    the sender's IBAN is remembered for the customer.
    """
    line = BankLine.objects.select_for_update().select_related("account").get(pk=line.pk)
    if line.status != LineStatus.TO_RECONCILE:
        raise BadInput(sentence("this line was already dealt with (refresh the page)"))
    if not line.is_credit:
        raise BadInput(sentence("a debit is not a customer payment"))
    if customer.entity_id != line.account.entity_id:
        raise BadInput(
            sentence(
                "%(customer)s is a customer of another legal entity than this account",
                customer=customer.name,
            )
        )
    payment = _payment_for(line, customer)
    left = payment.unallocated_amount
    ordered = sorted(invoices, key=lambda invoice: (invoice.due_date, invoice.number))
    for invoice in ordered:
        if invoice.customer_id != customer.pk:
            raise BadInput(
                sentence(
                    "%(number)s is not an invoice of %(customer)s",
                    number=invoice.number,
                    customer=customer.name,
                )
            )
        if left <= 0:
            break
        current = Invoice.objects.get(pk=invoice.pk)
        amount = min(left, current.open_amount)
        if amount <= 0:
            continue
        allocate(invoice=current, payment=payment, amount=amount)
        left -= amount
    line.status = LineStatus.MATCHED
    line.match_method = MatchMethod.MANUAL
    line.reconciled_by = user
    line.reconciled_at = timezone.now()
    line.save(update_fields=["status", "match_method", "reconciled_by", "reconciled_at"])
    iban = compact_iban(line.counterparty_iban)
    if iban:
        CustomerIban.objects.get_or_create(
            customer=customer, iban=iban, defaults={"learned_from": line}
        )
    return line


def _payment_for(line: BankLine, customer: Customer) -> Payment:
    payment = (
        Payment.objects.select_for_update().filter(pk=line.payment_id).first()
        if line.payment_id
        else None
    )
    if payment is not None:
        if payment.customer_id != customer.pk:
            if Allocation.objects.filter(payment=payment).exists():
                raise BadInput(
                    sentence(
                        "payment %(reference)s is already lettered to %(customer)s",
                        reference=payment.reference,
                        customer=payment.customer.name,
                    )
                )
            payment.customer = customer
            payment.save(update_fields=["customer"])
        return payment
    reference = payment_reference(line, line.unique_key)
    if Payment.objects.filter(entity_id=line.account.entity_id, reference=reference).exists():
        reference = f"{reference[:60]}-{line.unique_key[:12]}"
    payment = Payment.objects.create(
        entity_id=line.account.entity_id,
        customer=customer,
        reference=reference,
        date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        unallocated_amount=line.amount,
    )
    line.payment = payment
    line.save(update_fields=["payment"])
    return payment


@transaction.atomic
def ignore_line(*, line: BankLine, user: User) -> BankLine:
    """Finance says a credit is not a customer payment (a refund, a transfer between the
    group's accounts...): it leaves the queue, and the payment made for it, if any, goes."""
    line = BankLine.objects.select_for_update().get(pk=line.pk)
    if line.status != LineStatus.TO_RECONCILE:
        raise BadInput(sentence("this line was already dealt with (refresh the page)"))
    payment_id = line.payment_id
    if payment_id and Allocation.objects.filter(payment_id=payment_id).exists():
        raise BadInput(sentence("the payment of this line is already lettered"))
    line.status = LineStatus.IGNORED
    line.match_method = MatchMethod.NOT_A_CUSTOMER
    line.payment = None
    line.reconciled_by = user
    line.reconciled_at = timezone.now()
    line.save(update_fields=["status", "match_method", "payment", "reconciled_by", "reconciled_at"])
    if payment_id:
        Payment.objects.filter(pk=payment_id).delete()
    return line
