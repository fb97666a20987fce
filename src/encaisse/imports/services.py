"""Importing a file into the ledger: the one entry point of the command, the upload page
and the bench, with its ImportRun bookkeeping.

``import_file`` reads the file as a stream (``parsers``), checks it chunk by chunk against
the ledger (``loaders``), then either writes every good row in one transaction or nothing:

- default, all or nothing: one bad row and nothing is written; the run lists each problem;
- ``partial``: the good rows are written, the rejected ones go to a CSV with a reason column.

Progress (rows read) is saved on the ImportRun after each chunk, outside the write
transaction, so a page can follow it.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import pgettext

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, from_data, sentence, sentence_plural, text_of, to_data
from encaisse.core.spreadsheets import safe_cell
from encaisse.imports.fields import Kind, Mapping, mapping_from_dict
from encaisse.imports.file_kinds import file_kinds, run_file_kind
from encaisse.imports.jobs import claim_queued_run, kept_alive, queue_import_run
from encaisse.imports.loaders import LOADERS, EntityChoice
from encaisse.imports.models import ImportOrigin, ImportRun, ImportStatus
from encaisse.imports.parsers import Table, read_table
from encaisse.imports.report import import_report
from encaisse.imports.rows import Problem, Row
from encaisse.ledger.models import LegalEntity
from encaisse.ledger.services import InvalidLegalEntity, clean_legal_entity_code

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5000
MAX_PROBLEMS_KEPT = 1000  # listed on the run; all of them are counted
ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import did; ``ok`` when something could be imported (maybe with rejects).
    Its texts are in the language that was active when it was made (``result_of``)."""

    run_id: int
    kind: str
    status: str
    file_name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)
    message: str = ""
    file_format: dict[str, str] = field(default_factory=dict)
    rejects_file: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.PARTIAL)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected


# The legal entity the first import of an empty database creates (renamed with `entity set`).
FIRST_ENTITY_CODE = "MAIN"
FIRST_ENTITY_NAME = "My company"


def resolve_entity(code: str | None, *, create_missing: bool | None = None) -> EntityChoice:
    """The legal entity of an import: the one given, or the only one there is.

    Imports that write their rows through a loader pass ``create_missing`` (True or False):
    when there is no legal entity yet and none is named, they get the first one, MAIN (not
    stored until the rows are written, with them); True also creates a named entity that does
    not exist. Callers that need a stored entity at once (bank statements) leave it out: an
    empty database is then an error saying how to add the entity.
    """
    if code:
        entity = LegalEntity.objects.filter(code__iexact=code).first()
        if entity is not None:
            return EntityChoice(code=entity.code, pk=entity.pk, currency=entity.currency)
        if create_missing:
            try:
                code = clean_legal_entity_code(code)
            except InvalidLegalEntity as error:
                raise BadInput(
                    sentence("--entity: %(error)s", error=str(error.errors["code"]))
                ) from None
            return EntityChoice(code=code, pk=None, currency="EUR")
        known = ", ".join(LegalEntity.objects.values_list("code", flat=True))
        raise BadInput(
            sentence(
                "--entity: no legal entity %(code)s (known: %(known)s; --create-missing "
                "creates it)",
                code=repr(code),
                known=known or sentence("none yet"),
            )
        )
    entities = list(LegalEntity.objects.all()[:5])
    if len(entities) == 1:
        only = entities[0]
        return EntityChoice(code=only.code, pk=only.pk, currency=only.currency)
    if not entities:
        if create_missing is not None:
            return EntityChoice(
                code=FIRST_ENTITY_CODE,
                pk=None,
                currency="EUR",
                name=FIRST_ENTITY_NAME,
                first=True,
            )
        raise BadInput(
            sentence(
                "--entity: there is no legal entity yet: add yours with `encaisse entity add "
                'CODE --name "NAME" --siren SIREN` (or on the Company page), or import your '
                "ledger first"
            )
        )
    codes = ", ".join(entity.code for entity in entities)
    raise BadInput(
        sentence("--entity: there are several legal entities (%(codes)s): choose one", codes=codes)
    )


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def import_file(
    *,
    kind: str,
    path: str | Path,
    entity: str | None = None,
    mapping: Mapping | None = None,
    partial: bool = False,
    create_missing: bool = False,
    rejects_path: str | Path | None = None,
    user: User | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import ``path`` (CSV or XLSX) as ``kind`` rows; records an ImportRun whatever happens.

    Raises nothing for bad input: the result's status says FAILED and its message or
    problems say why. ``rejects_path`` defaults to FILE.rejects.csv next to the file.
    """
    path = Path(path)
    run = ImportRun.objects.create(
        kind=Kind(kind).value,
        origin=ImportOrigin.COMMAND_LINE if user is None else ImportOrigin.UPLOAD,
        created_by=user,
        file_name=path.name[:255],
        stored_file=str(path),
        options=_options(mapping, partial, create_missing, entity, rejects_path),
    )
    return _execute(run, path, on_progress=on_progress)


def _options(
    mapping: Mapping | None,
    partial: bool,
    create_missing: bool,
    entity: str | None,
    rejects_path: str | Path | None,
) -> dict[str, Any]:
    return {
        "mapping": (mapping or Mapping()).as_dict(),
        "partial": partial,
        "create_missing": create_missing,
        "entity": entity or "",
        "rejects_path": str(rejects_path or ""),
    }


def queue_upload(
    *,
    kind: str,
    upload: UploadedFile,
    user: User,
    entity: str | None = None,
    mapping: Mapping | None = None,
    partial: bool = False,
    create_missing: bool = False,
    payment_terms_days: int | None = None,
) -> ImportRun:
    """Save an uploaded file under DATA_DIR/imports and queue its import after commit.

    ``kind``: customers, invoices, payments, or a kind registered in ``file_kinds`` (FEC,
    Factur-X, bank statements...). The report is read in the reader's language; the rejected
    rows file, written once, is in the language of this request."""
    if kind not in file_kinds():
        kind = Kind(kind).value
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name or "upload").name
    options = _options(mapping, partial, create_missing, entity, None)
    options["language"] = translation.get_language() or ""
    if payment_terms_days is not None:
        options["payment_terms_days"] = payment_terms_days
    run = ImportRun.objects.create(
        kind=kind,
        origin=ImportOrigin.UPLOAD,
        created_by=user,
        file_name=name[:255],
        options=options,
    )
    stored = folder / f"{run.pk}-{get_valid_filename(name)[:150] or 'upload'}"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    run.stored_file = str(stored)
    run.save(update_fields=["stored_file"])
    queue_import_run(run.pk)
    return run


def run_import(*, import_run_id: int) -> ImportResult:
    """The background job of an upload: import the stored file of a queued ImportRun
    (once: the run is claimed first, and a run another worker has is left alone)."""
    run = claim_queued_run(import_run_id)
    if run is None:
        return result_of(ImportRun.objects.get(pk=import_run_id))
    language = run.options.get("language")
    with kept_alive(run), translation.override(language) if language else nullcontext():
        if run.kind in file_kinds():
            return _run_registered_kind(run)
        return _execute(run, Path(run.stored_file))


def _run_registered_kind(run: ImportRun) -> ImportResult:
    """An upload of a registered kind: its reader is given the queued run to fill in
    (``options["import_run_id"]``); a reader that records its own run has its outcome
    copied onto the queued one, which the upload page follows."""
    options = run.options
    result = run_file_kind(
        run.kind,
        path=Path(run.stored_file),
        entity=options.get("entity") or None,
        partial=bool(options.get("partial")),
        user=run.created_by,
        options={**options, "import_run_id": run.pk},
    )
    if result.run_id != run.pk:
        other = ImportRun.objects.get(pk=result.run_id)
        for name in (
            "status", "entity_id", "started_at", "finished_at", "rows_created", "rows_updated",
            "rows_unchanged", "rows_rejected", "progress_done", "progress_total", "message",
            "problems", "problem_count", "notes", "file_format", "rejects_file",
        ):  # fmt: skip
            setattr(run, name, getattr(other, name))
        run.message = to_data(
            sentence(
                "%(message)s (recorded as import #%(run)s)",
                message=from_data(other.message),
                run=str(other.pk),
            )
        )
        run.save()
        return result_of(run)
    return result


# ----------------------------------------------------------------------------------------------


class _Progress:
    """Saves rows read on the run (its own short UPDATE, outside the write transaction)."""

    def __init__(self, run: ImportRun, callback: ProgressCallback | None) -> None:
        self.run = run
        self.callback = callback

    def __call__(self, done: int, total: int) -> None:
        total = max(total, done)
        ImportRun.objects.filter(pk=self.run.pk).update(progress_done=done, progress_total=total)
        if self.callback:
            self.callback(done, total)


def _execute(
    run: ImportRun, path: Path, *, on_progress: ProgressCallback | None = None
) -> ImportResult:
    options = run.options
    kind = Kind(run.kind)
    run.status = ImportStatus.CHECKING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    with failures_recorded(run):
        mapping = mapping_from_dict(options.get("mapping") or {}, kind=kind)
        with _open(path) as source:
            table = read_table(source, kind=kind, mapping=mapping)
            run.file_format = dict(table.detected)
            entity = resolve_entity(
                options.get("entity") or None, create_missing=bool(options.get("create_missing"))
            )
            if entity.pk is not None:
                run.entity_id = entity.pk
            _import_table(run, table, entity, path, _Progress(run, on_progress))
    return result_of(run)


def _open(path: Path) -> IO[bytes]:
    try:
        if path.is_dir():
            raise BadInput(sentence("%(path)s: is a folder, not a file", path=str(path)))
        return path.open("rb")
    except FileNotFoundError:
        raise BadInput(sentence("%(path)s: no such file", path=str(path))) from None
    except PermissionError:
        raise BadInput(sentence("%(path)s: not allowed to read it", path=str(path))) from None


def _import_table(
    run: ImportRun, table: Table, entity: EntityChoice, path: Path, progress: _Progress
) -> None:
    options = run.options
    partial = bool(options.get("partial"))
    loader = LOADERS[table.kind](
        entity=entity,
        file_fields=table.fields,
        create_missing=bool(options.get("create_missing")),
    )
    problems: list[Problem] = []
    problem_count = 0
    rejects = _RejectsWriter(table, path, options.get("rejects_path") or "") if partial else None
    done = 0
    if table.ignored_columns:
        loader.note(
            sentence("columns ignored: %(columns)s", columns=", ".join(table.ignored_columns))
        )
    loader.stage.create()
    try:
        for chunk in table.chunks(CHUNK_ROWS):
            for row in loader.check(chunk):
                problem_count += len(row.problems)
                room = MAX_PROBLEMS_KEPT - len(problems)
                if room > 0:
                    problems.extend(row.problems[:room])
                if rejects:
                    rejects.write(row)
            done += len(chunk)
            progress(done, table.estimated_rows)
        run.file_format = dict(table.detected)
        counts = loader.counts
        run.problems = [problem.as_dict() for problem in problems]
        run.problem_count = problem_count
        if not done:
            raise BadInput(sentence("the file has a header but no rows"))
        if counts.rejected and not partial:
            run.rows_rejected = counts.rejected
            finish_run(
                run,
                ImportStatus.FAILED,
                message=sentence(
                    "nothing was imported: %(problems)s in %(rejected)s of %(rows)s (fix them, "
                    "or import with --partial to import the good rows)",
                    problems=sentence_plural(
                        "%(count)s problem", "%(count)s problems", problem_count
                    ),
                    rejected=counts.rejected,
                    rows=sentence_plural("%(count)s row", "%(count)s rows", done),
                ),
                notes=loader.notes,
            )
            return
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.WRITING)
        with transaction.atomic():
            loader.write()
            if rejects:
                run.rejects_file = rejects.close()
            if entity.pk is not None:
                run.entity_id = entity.pk
            run.rows_created, run.rows_updated = counts.created, counts.updated
            run.rows_unchanged, run.rows_rejected = counts.unchanged, counts.rejected
            run.progress_done = run.progress_total = done
            status = ImportStatus.PARTIAL if counts.rejected else ImportStatus.SUCCEEDED
            finish_run(run, status, message=_summary(run), notes=loader.notes)
        loader.analyze()
    finally:
        if rejects:
            rejects.close()
        loader.stage.drop()


def _summary(run: ImportRun) -> Text:
    counts = sentence(
        "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected",
        created=run.rows_created,
        updated=run.rows_updated,
        unchanged=run.rows_unchanged,
        rejected=run.rows_rejected,
    )
    if run.rejects_file:
        return sentence(
            "%(counts)s; rejected rows in %(path)s", counts=counts, path=str(run.rejects_file)
        )
    return counts


def start_run(
    *,
    kind: str,
    path: Path,
    user: User | None,
    options: dict[str, Any],
    run: ImportRun | None = None,
) -> ImportRun:
    """The run of a file import, checking from now: the queued run of an upload, or a new one
    (from the command line when there is no user). Every kind of import starts here."""
    if run is None:
        run = ImportRun.objects.create(
            kind=kind,
            origin=ImportOrigin.COMMAND_LINE if user is None else ImportOrigin.UPLOAD,
            created_by=user,
            file_name=path.name[:255],
            stored_file=str(path),
            options=options,
        )
    run.status = ImportStatus.CHECKING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    return run


def finish_run(
    run: ImportRun, status: str, *, message: Text, notes: Sequence[Text] | None = None
) -> None:
    """Record how an import ended (every kind of file ends its run here). Its message and
    notes are kept as plain data (core.i18n), translated when they are read."""
    run.status = status
    run.message = to_data(message)
    run.notes = [to_data(note) for note in notes or []]
    run.finished_at = timezone.now()
    if status != ImportStatus.FAILED:
        run.progress_total = run.progress_done
    run.save()


@contextmanager
def failures_recorded(run: ImportRun) -> Iterator[None]:
    """Bad input and writes the database refuses end the run as FAILED, in one line.

    Anything else is a bug: the run is marked failed and the error goes on up.
    """
    try:
        yield
    except BadInput as error:
        finish_run(run, ImportStatus.FAILED, message=text_of(error))
    except DatabaseError as error:
        first_line = (str(error).strip().splitlines() or [repr(error)])[0]
        finish_run(
            run,
            ImportStatus.FAILED,
            message=sentence("the database refused the import: %(error)s", error=first_line),
        )
    except Exception as error:
        finish_run(
            run,
            ImportStatus.FAILED,
            message=sentence("unexpected error: %(error)s", error=repr(error)),
        )
        raise


def read_file_bytes(path: Path, *, max_bytes: int, too_large: Text) -> bytes:
    """The whole file, or BadInput naming why it cannot be read."""
    try:
        if path.is_dir():
            raise BadInput(sentence("%(path)s: is a folder, not a file", path=str(path)))
        if path.stat().st_size > max_bytes:
            raise BadInput(too_large)
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput(sentence("%(path)s: no such file", path=str(path))) from None
    except PermissionError:
        raise BadInput(sentence("%(path)s: not allowed to read it", path=str(path))) from None


def result_of(run: ImportRun) -> ImportResult:
    """What the command shows of a finished run, in the active language."""
    report = import_report(run)
    return ImportResult(
        run_id=run.pk,
        kind=run.kind,
        status=run.status,
        file_name=run.file_name,
        created=run.rows_created,
        updated=run.rows_updated,
        unchanged=run.rows_unchanged,
        rejected=run.rows_rejected,
        problems=[replace(problem, reason=str(problem.reason)) for problem in report.problems],
        problem_count=run.problem_count,
        notes=[str(note) for note in report.notes],
        message=str(report.message),
        file_format=dict(run.file_format),
        rejects_file=run.rejects_file,
    )


# ----------------------------------------------------------------------------------------------


def rejects_columns() -> list[str]:
    """The two columns a rejected rows file adds to the file's own, in the active language."""
    return [pgettext("rejected rows file", "row"), pgettext("rejected rows file", "reason")]


def rejected_reason(problems: Sequence[Problem]) -> str:
    """The reason column of a rejected row, in the active language."""
    return "; ".join(
        str(sentence("%(column)s: %(reason)s", column=p.column, reason=p.reason)) for p in problems
    )


class _RejectsWriter:
    """The rejected rows, as the file had them, plus the row number and the reason: fix the
    cells, delete the two last columns (or not: unknown columns are ignored), import again."""

    def __init__(self, table: Table, source: Path, wanted: str) -> None:
        self.path = Path(wanted) if wanted else default_rejects_path(source)
        self.table = table
        self.handle: IO[str] | None = None
        self.count = 0

    def write(self, row: Row) -> None:
        if self.handle is None:
            self._open()
        assert self.handle is not None  # noqa: S101 (narrows the type)
        reason = rejected_reason(row.problems)
        cells = row.cells[: len(self.table.header)]
        cells += [""] * (len(self.table.header) - len(cells))
        self.writer.writerow([*(safe_cell(cell) for cell in cells), row.number, reason])
        self.count += 1

    def _open(self) -> None:
        encoding = "utf-8-sig"
        if self.table.detected.get("encoding") == "Windows-1252":
            encoding = "cp1252"
        separator = {"tab": "\t", "comma": ",", "semicolon": ";", "|": "|"}.get(
            self.table.detected.get("separator", ""), ";"
        )
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
        self.writer = csv.writer(self.handle, delimiter=separator)
        self.writer.writerow([*self.table.header, *rejects_columns()])

    def close(self) -> str:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        return str(self.path) if self.count else ""
