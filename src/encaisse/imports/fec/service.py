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

from django.conf import settings
from django.db import transaction

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.imports.fec.documents import Document, DocumentKind
from encaisse.imports.fec.entries import FecLine
from encaisse.imports.fec.loaders import (
    FecCustomerLoader,
    FecInvoiceLoader,
    FecPaymentLoader,
    Lettering,
)
from encaisse.imports.fec.reader import FecFile
from encaisse.imports.fec.report import FecRejects, FecReport, lines_said
from encaisse.imports.file_kinds import StoredOptions
from encaisse.imports.loaders import EntityChoice
from encaisse.imports.models import ImportKind, ImportRun, ImportStatus
from encaisse.imports.rows import Problem
from encaisse.imports.runs import refused_whole
from encaisse.imports.services import (
    CHUNK_ROWS,
    MAX_PROBLEMS_KEPT,
    ImportResult,
    Progress,
    ProgressCallback,
    _open,
    failures_recorded,
    finish_run,
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
) -> StoredOptions:
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
        _FecImport(run, fec, chosen, path, Progress(run, on_progress)).execute()
    return result_of(run)


class _FecImport(FecReport):
    def __init__(
        self, run: ImportRun, fec: FecFile, entity: EntityChoice, path: Path, progress: Progress
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
            FecRejects(fec, path, options.get("rejects_path") or "") if self.partial else None
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
                    lines=lines_said(lines),
                )
            )
        if self.rejected_lines and not self.partial:
            run.rows_rejected = self.rejected_lines
            finish_run(
                run,
                ImportStatus.FAILED,
                message=refused_whole(
                    run,
                    problems=self.problem_count,
                    rejected=self.rejected_lines,
                    read=lines_said(lines),
                    unit="lines",
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
