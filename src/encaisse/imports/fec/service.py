"""Importing a FEC: customers, invoices, credit notes, payments and lettering in one go.

Like ``services.import_file``: the file is streamed and checked chunk by chunk outside any
long transaction (progress saved on the ImportRun), each loader staging its good rows; then
everything is written in one transaction, set-based, or nothing is (``partial`` writes the
good lines and sets the others aside in a rejects file).
"""

from __future__ import annotations

import logging
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence, sentence_plural
from encaisse.core.spreadsheets import safe_cell
from encaisse.imports.fec.loaders import (
    FecCustomerLoader,
    FecInvoiceLoader,
    FecPaymentLoader,
    Lettering,
)
from encaisse.imports.fec.reader import Document, DocumentKind, FecFile, FecLine
from encaisse.imports.loaders import EntityChoice
from encaisse.imports.models import ImportKind, ImportRun, ImportStatus
from encaisse.imports.parsers import Problem
from encaisse.imports.services import (
    CHUNK_ROWS,
    MAX_PROBLEMS_KEPT,
    ImportResult,
    ProgressCallback,
    _open,
    _Progress,
    default_rejects_path,
    failures_recorded,
    finish_run,
    rejected_reason,
    rejects_columns,
    resolve_entity,
    result_of,
    start_run,
)

logger = logging.getLogger(__name__)

CUSTOMER_FIELDS = frozenset({"external_id", "name", "payment_terms_days"})
INVOICE_FIELDS = frozenset({"number", "customer_external_id", "issue_date", "amount", "currency"})
PAYMENT_FIELDS = frozenset({"reference", "customer_external_id", "date", "amount", "currency"})


def default_payment_terms_days() -> int:
    return int(settings.ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS)


def fec_options(
    *,
    partial: bool = False,
    entity: str | None = None,
    payment_terms_days: int | None = None,
    rejects_path: str | Path | None = None,
    create_missing: bool = False,
) -> dict[str, Any]:
    """The options of a FEC import as stored on its ImportRun."""
    if payment_terms_days is not None and not 0 <= payment_terms_days <= 365:
        raise BadInput(
            sentence(
                "--payment-terms-days: %(days)s is not between 0 and 365",
                days=str(payment_terms_days),
            )
        )
    return {
        "partial": partial,
        "entity": entity or "",
        "payment_terms_days": payment_terms_days,
        "rejects_path": str(rejects_path or ""),
        "create_missing": create_missing,
    }


def import_fec(
    *,
    path: str | Path,
    entity: str | None = None,
    partial: bool = False,
    payment_terms_days: int | None = None,
    rejects_path: str | Path | None = None,
    create_missing: bool = False,
    user: User | None = None,
    import_run: ImportRun | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import a FEC file into the ledger; records an ImportRun whatever happens.

    Customers (411 auxiliary accounts) are created when unknown, invoices and credit notes
    upserted by number, payments by reference, lettering made into allocations. Raises
    nothing for bad input: the result's status says FAILED and its message or problems why.
    ``import_run``: the run an upload queued (default: a new one).
    """
    path = Path(path)
    options = fec_options(
        partial=partial,
        entity=entity,
        payment_terms_days=payment_terms_days,
        rejects_path=rejects_path,
        create_missing=create_missing,
    )
    run = start_run(kind=ImportKind.FEC, path=path, user=user, options=options, run=import_run)
    with failures_recorded(run), _open(path) as source:
        fec = FecFile(source)
        run.file_format = dict(fec.detected)
        chosen = resolve_entity(
            run.options.get("entity") or None,
            create_missing=bool(run.options.get("create_missing")),
        )
        if chosen.pk is not None:
            run.entity_id = chosen.pk
        _FecImport(run, fec, chosen, path, _Progress(run, on_progress)).execute()
    return result_of(run)


class _FecImport:
    def __init__(
        self, run: ImportRun, fec: FecFile, entity: EntityChoice, path: Path, progress: _Progress
    ) -> None:
        options = run.options
        self.run, self.fec, self.entity, self.progress = run, fec, entity, progress
        self.partial = bool(options.get("partial"))
        terms = options.get("payment_terms_days")
        self.terms = default_payment_terms_days() if terms is None else int(terms)
        self.pending: dict[str, int] = {}
        self.customers = FecCustomerLoader(
            pending=self.pending, entity=entity, file_fields=CUSTOMER_FIELDS, create_missing=False
        )
        self.invoices = FecInvoiceLoader(
            pending=self.pending, entity=entity, file_fields=INVOICE_FIELDS, create_missing=False
        )
        self.payments = FecPaymentLoader(
            pending=self.pending, entity=entity, file_fields=PAYMENT_FIELDS, create_missing=False
        )
        self.lettering = Lettering(entity)
        self.stages = [
            self.customers.stage,
            self.invoices.stage,
            self.payments.stage,
            self.lettering.stage,
        ]
        self.seen_customers: set[str] = set()
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.rejected_lines = 0
        self.documents = 0
        self.rejects = (
            _FecRejects(fec, path, options.get("rejects_path") or "") if self.partial else None
        )

    def execute(self) -> None:
        for stage in self.stages:
            stage.create()
        try:
            self._check()
            self._write()
        finally:
            if self.rejects:
                self.rejects.close()
            for stage in self.stages:
                stage.drop()

    # -- checking ----------------------------------------------------------------------

    def _check(self) -> None:
        items = self.fec.documents(currency=self.entity.currency)
        while chunk := list(islice(items, CHUNK_ROWS)):
            self._check_chunk(chunk)
            self.progress(self.fec.stats.lines, self.fec.estimated_rows)
        self.run.file_format = {**self.fec.detected, **self.fec.date_forms()}

    def _check_chunk(self, chunk: list[Document | FecLine]) -> None:
        customer_rows, invoice_rows, payment_rows = [], [], []
        bad_lines: list[FecLine] = []
        documents: list[Document] = []
        for item in chunk:
            if isinstance(item, FecLine):
                if item.problems:
                    bad_lines.append(item)
                continue
            documents.append(item)
            line = item.line
            if line.customer_id not in self.seen_customers:
                self.seen_customers.add(line.customer_id)
                customer_rows.append(self.fec.customer_row(line, payment_terms_days=self.terms))
            if item.kind is DocumentKind.PAYMENT:
                payment_rows.append(item.row)
            else:
                invoice_rows.append(item.row)
        self.documents += len(documents)
        rejected: dict[int, list[Problem]] = {}
        for line in bad_lines:
            rejected.setdefault(line.number, []).extend(line.problems)
        for loader, rows in (
            (self.customers, customer_rows),
            (self.invoices, invoice_rows),
            (self.payments, payment_rows),
        ):
            for row in loader.check(rows):  # type: ignore[attr-defined]
                known = rejected.setdefault(row.number, [])
                known.extend(p for p in row.problems if p not in known)
        if rejected:
            cells = {line.number: line.cells for line in bad_lines}
            cells.update((doc.line.number, doc.line.cells) for doc in documents)
            for number in sorted(rejected):
                self._reject(number, rejected[number], cells.get(number, []))
        self.lettering.add(
            [
                (
                    doc.line.number,
                    doc.line.customer_id,
                    doc.line.letter,
                    doc.kind.value,
                    doc.row.values[
                        "number" if doc.kind is not DocumentKind.PAYMENT else "reference"
                    ],
                    abs(doc.row.values["amount"]),
                    doc.row.values[
                        "issue_date" if doc.kind is not DocumentKind.PAYMENT else "date"
                    ],
                )
                for doc in documents
                if doc.line.letter and doc.line.number not in rejected
            ]
        )

    def _reject(self, number: int, problems: list[Problem], cells: list[str]) -> None:
        self.rejected_lines += 1
        self.problem_count += len(problems)
        room = MAX_PROBLEMS_KEPT - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])
        if self.rejects:
            self.rejects.write(number, problems, cells)

    # -- writing -----------------------------------------------------------------------

    def _write(self) -> None:
        run = self.run
        run.problems = [problem.as_dict() for problem in self.problems]
        run.problem_count = self.problem_count
        lines = self.fec.stats.lines
        if not lines:
            raise BadInput(sentence("the FEC has a header but no lines"))
        if not self.documents and not self.rejected_lines:
            raise BadInput(
                sentence(
                    "no line on a customer account (%(lines)s read, none on an account starting "
                    "with 411): nothing to import",
                    lines=_lines(lines),
                )
            )
        if self.rejected_lines and not self.partial:
            run.rows_rejected = self.rejected_lines
            finish_run(
                run,
                ImportStatus.FAILED,
                message=sentence(
                    "nothing was imported: %(problems)s in %(rejected)s of %(lines)s (fix them, "
                    "or import with --partial to import the good lines)",
                    problems=sentence_plural(
                        "%(count)s problem", "%(count)s problems", self.problem_count
                    ),
                    rejected=self.rejected_lines,
                    lines=_lines(lines),
                ),
            )
            return
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.WRITING)
        loaders = (self.customers, self.invoices, self.payments)
        with transaction.atomic():
            for loader in loaders:
                loader.write()
            self.lettering.entity.pk = self.entity.pk
            self.lettering.write()
            if self.rejects:
                run.rejects_file = self.rejects.close()
            if self.entity.pk is not None:
                run.entity_id = self.entity.pk
            run.rows_created = sum(loader.counts.created for loader in loaders)
            run.rows_updated = sum(loader.counts.updated for loader in loaders)
            run.rows_unchanged = sum(loader.counts.unchanged for loader in loaders)
            run.rows_rejected = self.rejected_lines
            run.progress_done = run.progress_total = lines
            status = ImportStatus.PARTIAL if self.rejected_lines else ImportStatus.SUCCEEDED
            finish_run(run, status, message=self._summary(), notes=self._notes())
        for loader in loaders:
            loader.analyze()

    def _counts(self) -> Text:
        def counts(loader: Any) -> Text:
            c = loader.counts
            return sentence(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged",
                created=c.created,
                updated=c.updated,
                unchanged=c.unchanged,
            )

        return sentence(
            "customers: %(customers)s; invoices and credit notes: %(invoices)s; payments: "
            "%(payments)s; %(allocations)s from the lettering",
            customers=counts(self.customers),
            invoices=counts(self.invoices),
            payments=counts(self.payments),
            allocations=_allocations(self.lettering.created),
        )

    def _summary(self) -> Text:
        summary = sentence(
            "%(counts)s; %(rejected)s",
            counts=self._counts(),
            rejected=sentence_plural(
                "%(count)s line rejected", "%(count)s lines rejected", self.rejected_lines
            ),
        )
        if self.run.rejects_file:
            return sentence(
                "%(summary)s; rejected lines in %(path)s",
                summary=summary,
                path=str(self.run.rejects_file),
            )
        return summary

    def _notes(self) -> list[Text]:
        stats, notes = self.fec.stats, list[Text]()
        notes.append(self._counts())
        notes.append(
            sentence(
                "%(lines)s read, %(customer_lines)s on customer accounts (411...); the other "
                "lines are not needed for collection",
                lines=_lines(stats.lines),
                customer_lines=stats.customer_lines,
            )
        )
        notes.extend(self._numbering_notes())
        computed = self.invoices.due_dates_computed
        if computed:
            values = {"count": computed, "days": self.terms}
            notes.append(
                sentence_plural(
                    "%(count)s new invoice or credit note has no EcheanceDate: it is due after "
                    "its customer's payment terms (issue date + %(days)s days for the customers "
                    "this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    "%(count)s new invoices and credit notes have no EcheanceDate: they are due "
                    "after their customer's payment terms (issue date + %(days)s days for the "
                    "customers this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    computed,
                    **values,
                )
                if self.fec.has_due_dates
                else sentence_plural(
                    "a FEC has no due dates: the %(count)s new invoice or credit note is due "
                    "after its customer's payment terms (issue date + %(days)s days for the "
                    "customers this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    "a FEC has no due dates: the %(count)s new invoices and credit notes are due "
                    "after their customer's payment terms (issue date + %(days)s days for the "
                    "customers this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    computed,
                    **values,
                )
            )
        lettering = self.lettering
        if lettering.groups:
            letters = sentence_plural("%(count)s letter", "%(count)s letters", lettering.groups)
            notes.append(
                sentence(
                    "lettering: %(letters)s read, %(partial)s of them partial (what they leave "
                    "stays open); %(allocations)s made",
                    letters=letters,
                    partial=lettering.partial_groups,
                    allocations=_allocations(lettering.created),
                )
                if lettering.partial_groups
                else sentence(
                    "lettering: %(letters)s read; %(allocations)s made",
                    letters=letters,
                    allocations=_allocations(lettering.created),
                )
            )
        if lettering.skipped_currency:
            notes.append(
                sentence_plural(
                    "lettering: %(count)s pair in different currencies left unallocated",
                    "lettering: %(count)s pairs in different currencies left unallocated",
                    lettering.skipped_currency,
                )
            )
        invoices = self.invoices
        if invoices.openings_left_out:
            notes.append(
                sentence_plural(
                    "%(count)s opening balance (à-nouveaux) left out: the year before is in "
                    "Encaisse in detail, so the debt is not counted twice",
                    "%(count)s opening balances (à-nouveaux) left out: the year before is in "
                    "Encaisse in detail, so the debt is not counted twice",
                    invoices.openings_left_out,
                )
            )
        brought = stats.opening_lines - invoices.openings_left_out - invoices.openings_known
        if brought > 0:
            notes.append(
                sentence_plural(
                    "%(count)s opening balance (à-nouveaux) brought forward as a document of "
                    "its own: import the year before first to have it in detail",
                    "%(count)s opening balances (à-nouveaux) brought forward as documents of "
                    "their own: import the year before first to have them in detail",
                    brought,
                )
            )
        if stats.other_credit_lines:
            notes.append(
                sentence_plural(
                    "%(count)s credit line on customer accounts in entries that are neither "
                    "sales nor bank (write-offs, transfers) left out",
                    "%(count)s credit lines on customer accounts in entries that are neither "
                    "sales nor bank (write-offs, transfers) left out",
                    stats.other_credit_lines,
                )
            )
        if stats.zero_lines:
            notes.append(
                sentence_plural(
                    "%(count)s customer line of zero amount left out",
                    "%(count)s customer lines of zero amount left out",
                    stats.zero_lines,
                )
            )
        if stats.foreign_currency_lines:
            notes.append(
                sentence_plural(
                    "%(count)s line in a foreign currency imported with their amount in that "
                    "currency (Montantdevise, Idevise)",
                    "%(count)s lines in a foreign currency imported with their amount in that "
                    "currency (Montantdevise, Idevise)",
                    stats.foreign_currency_lines,
                )
            )
        for loader in (self.customers, self.invoices, self.payments):
            notes.extend(note for note in loader.notes if note not in notes)
        return notes

    def _numbering_notes(self) -> list[Text]:
        """Once each: documents numbered by their entry, invoices read in several parts."""
        stats, notes = self.fec.stats, list[Text]()
        by_entry = stats.numbered_by_entry + self.invoices.numbered_by_entry
        if by_entry:
            reasons: list[Text] = []
            if stats.numbered_by_entry:
                reasons.append(
                    sentence("names no document (such as %(piece)s)", piece=repr(stats.placeholder))
                    if stats.placeholder
                    else sentence("is empty")
                )
            if self.invoices.numbered_by_entry:
                reasons.append(sentence("numbers a document of another entry"))
            reason = reasons[0]
            if len(reasons) > 1:
                reason = sentence("%(first)s or %(second)s", first=reasons[0], second=reasons[1])
            notes.append(
                sentence_plural(
                    "%(count)s invoice or credit note numbered by their entry, "
                    "JournalCode-EcritureNum (such as %(example)s): their PieceRef %(reason)s",
                    "%(count)s invoices and credit notes numbered by their entry, "
                    "JournalCode-EcritureNum (such as %(example)s): their PieceRef %(reason)s",
                    by_entry,
                    example=stats.by_entry_example or self.invoices.by_entry_example,
                    reason=reason,
                )
            )
        if stats.split_documents:
            notes.append(
                sentence_plural(
                    "%(count)s invoice in several customer lines of one entry (instalments) "
                    "imported as %(parts)s parts, each with its own amount, numbered /1, /2... "
                    "in line order (such as %(example)s)",
                    "%(count)s invoices in several customer lines of one entry (instalments) "
                    "imported as %(parts)s parts, each with its own amount, numbered /1, /2... "
                    "in line order (such as %(example)s)",
                    stats.split_documents,
                    parts=stats.split_parts,
                    example=stats.split_example,
                )
            )
        return notes


def _lines(count: int) -> Text:
    return sentence_plural("%(count)s line", "%(count)s lines", count)


def _allocations(count: int) -> Text:
    return sentence_plural("%(count)s allocation", "%(count)s allocations", count)


class _FecRejects:
    """The rejected lines as the FEC had them, plus the line number and the reason."""

    def __init__(self, fec: FecFile, source: Path, wanted: str) -> None:
        self.fec = fec
        self.path = Path(wanted) if wanted else default_rejects_path(source)
        self.handle: IO[str] | None = None
        self.count = 0

    def write(self, number: int, problems: list[Problem], cells: list[str]) -> None:
        if self.handle is None:
            encoding = "cp1252" if self.fec.detected.get("encoding") == "Windows-1252" else "utf-8"
            try:
                self.handle = self.path.open("w", encoding=encoding, errors="replace", newline="")
            except OSError as error:
                raise BadInput(
                    sentence(
                        "--rejects: cannot write %(path)s: %(error)s",
                        path=str(self.path),
                        error=str(error.strerror),
                    )
                ) from None
            columns = [*self.fec.header, *rejects_columns()]
            self.handle.write(self.fec.separator.join(columns) + "\r\n")
        reason = rejected_reason(problems)
        cells = [safe_cell(c).replace(self.fec.separator, " ") for c in cells]
        cells += [""] * (len(self.fec.header) - len(cells))
        self.handle.write(self.fec.separator.join([*cells, str(number), reason]) + "\r\n")
        self.count += 1

    def close(self) -> str:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        return str(self.path) if self.count else ""
