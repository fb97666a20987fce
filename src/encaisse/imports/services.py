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

import logging
from contextlib import nullcontext
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, from_data, sentence, sentence_plural, to_data
from encaisse.imports.fields import Kind, Mapping, mapping_from_dict
from encaisse.imports.file_kinds import ImportOptions, StoredOptions, file_kinds, run_file_kind
from encaisse.imports.jobs import claim_queued_run, kept_alive, queue_import_run
from encaisse.imports.loaders import LOADERS, EntityChoice
from encaisse.imports.models import ImportOrigin, ImportRun, ImportStatus
from encaisse.imports.parsers import Table, read_table
from encaisse.imports.rejects import (
    RejectsWriter,
    default_rejects_path,
    rejected_reason,
    rejects_columns,
)
from encaisse.imports.rows import Problem
from encaisse.imports.runs import (
    CHUNK_ROWS,
    MAX_PROBLEMS_KEPT,
    ImportResult,
    Progress,
    ProgressCallback,
    failures_recorded,
    finish_run,
    read_file_bytes,
    refused_whole,
    result_of,
    start_run,
)
from encaisse.ledger.models import LegalEntity
from encaisse.ledger.services import InvalidLegalEntity, clean_legal_entity_code

logger = logging.getLogger(__name__)

__all__ = [
    "CHUNK_ROWS",
    "FIRST_ENTITY_CODE",
    "FIRST_ENTITY_NAME",
    "MAX_PROBLEMS_KEPT",
    "ImportResult",
    "Progress",
    "ProgressCallback",
    "default_rejects_path",
    "failures_recorded",
    "finish_run",
    "import_file",
    "queue_upload",
    "read_file_bytes",
    "rejected_reason",
    "rejects_columns",
    "resolve_entity",
    "result_of",
    "run_import",
    "start_run",
]

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
) -> StoredOptions:
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
    (``ImportOptions.import_run_id``); a reader that records its own run has its outcome
    copied onto the queued one, which the upload page follows."""
    result = run_file_kind(
        run.kind,
        path=Path(run.stored_file),
        user=run.created_by,
        options=ImportOptions.of_upload(run.pk, run.options),
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
            _import_table(run, table, entity, path, Progress(run, on_progress))
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
    run: ImportRun, table: Table, entity: EntityChoice, path: Path, progress: Progress
) -> None:
    options = run.options
    partial = bool(options.get("partial"))
    loader = LOADERS[Kind(table.kind)](
        entity=entity,
        file_fields=table.fields,
        create_missing=bool(options.get("create_missing")),
    )
    problems: list[Problem] = []
    problem_count = 0
    rejects = RejectsWriter(table, path, options.get("rejects_path") or "") if partial else None
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
                message=refused_whole(
                    run,
                    problems=problem_count,
                    rejected=counts.rejected,
                    read=sentence_plural("%(count)s row", "%(count)s rows", done),
                    unit="rows",
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
