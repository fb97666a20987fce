"""An import's run, the one context every kind of file import goes through: it starts
(``start_run``), saves its progress (``Progress``), records failures in one line
(``failures_recorded``), ends (``finish_run``) and is read back (``result_of``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import DatabaseError
from django.utils import timezone

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Sentence, Text, sentence, sentence_plural, text_of, to_data
from encaisse.imports.file_kinds import StoredOptions
from encaisse.imports.models import ImportOrigin, ImportRun, ImportStatus
from encaisse.imports.report import import_report
from encaisse.imports.rows import Problem

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


class Progress:
    """Saves rows read on the run (its own short UPDATE, outside the write transaction)."""

    def __init__(self, run: ImportRun, callback: ProgressCallback | None) -> None:
        self.run = run
        self.callback = callback

    def __call__(self, done: int, total: int) -> None:
        total = max(total, done)
        ImportRun.objects.filter(pk=self.run.pk).update(progress_done=done, progress_total=total)
        if self.callback:
            self.callback(done, total)


def start_run(
    *,
    kind: str,
    path: Path,
    user: User | None,
    options: StoredOptions,
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


def refused_whole(
    run: ImportRun, *, problems: int, rejected: int, read: Text, unit: str
) -> Sentence:
    """Why nothing was imported, and how to import the good rows anyway, as the person who
    started the import would do it: the command's ``--partial``, or the upload form's box.
    ``read``: how many rows (lines, entries) were read; ``unit``: rows, lines or entries."""
    if run.origin == ImportOrigin.UPLOAD:
        hint = sentence(
            "fix them, or upload the file again with “%(option)s” ticked",
            option=sentence("Import the good rows and set the rejected ones aside"),
        )
    elif unit == "lines":
        hint = sentence("fix them, or import with --partial to import the good lines")
    elif unit == "entries":
        hint = sentence("fix them, or import with --partial to import the good entries")
    else:
        hint = sentence("fix them, or import with --partial to import the good rows")
    return sentence(
        "nothing was imported: %(problems)s in %(rejected)s of %(read)s (%(hint)s)",
        problems=sentence_plural("%(count)s problem", "%(count)s problems", problems),
        rejected=rejected,
        read=read,
        hint=hint,
    )
