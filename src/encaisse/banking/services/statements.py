"""Importing a bank statement: the ``bank`` kind of ``encaisse import`` (registered in
``BankingConfig.ready``). It records an ImportRun whatever happens and writes everything or
nothing: statements, lines, then what ``banking.services.lines`` makes of them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction

from encaisse.accounts.models import User
from encaisse.banking.models import (
    BankAccount,
    BankLine,
    BankStatement,
)
from encaisse.banking.parsers import (
    MAX_FILE_BYTES,
    Statement,
    StatementFile,
    line_keys,
    read_statement_file,
    too_large,
)
from encaisse.banking.services.lines import match_and_store
from encaisse.banking.services.lines_base import NewLine, Outcome, chunks
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence, sentence_plural
from encaisse.imports.file_kinds import ImportOptions
from encaisse.imports.models import ImportKind, ImportRun, ImportStatus
from encaisse.imports.runs import refused_whole
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
from encaisse.ledger.models import LegalEntity


def import_bank_statement(
    *,
    path: str | Path,
    entity: str | None = None,
    partial: bool = False,
    user: User | None = None,
    import_run_id: int | None = None,
) -> ImportResult:
    """Import a camt.053, MT940 or OFX file (format read from the content).

    Raises nothing for bad input: the result's status says FAILED and its message or
    problems say why. ``partial`` imports the good entries of a file with bad ones.
    ``import_run_id``: the queued run of an upload, filled in instead of a new one.
    """
    path = Path(path)
    run = _run(path, entity=entity, partial=partial, user=user, import_run_id=import_run_id)
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
                message=refused_whole(
                    run,
                    problems=len(parsed.problems),
                    rejected=parsed.bad_entries,
                    read=sentence_plural("%(count)s entry", "%(count)s entries", parsed.entries),
                    unit="entries",
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


def run_bank_statement(*, path: Path, user: User | None, options: ImportOptions) -> ImportResult:
    """The ``bank`` kind of `encaisse import` and of the upload page (the other options of
    the command do not apply to statements)."""
    return import_bank_statement(
        path=path,
        entity=options.entity,
        partial=options.partial,
        user=user,
        import_run_id=options.import_run_id,
    )


def _run(
    path: Path, *, entity: str | None, partial: bool, user: User | None, import_run_id: int | None
) -> ImportRun:
    run = (
        ImportRun.objects.filter(pk=import_run_id, kind=ImportKind.BANK).first()
        if import_run_id is not None
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


def _write(parsed: StatementFile, entity: LegalEntity, sha256: str, run: ImportRun) -> Outcome:
    outcome = Outcome()
    new_lines: list[NewLine] = []
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
        for chunk in chunks(keys):
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
                new_lines.append(NewLine(line=line, key=key, statement=stored))
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
        match_and_store(new_lines, entity, outcome)
    outcome.created = len(new_lines)
    return outcome


def _account(entity: LegalEntity, statement: Statement) -> BankAccount:
    account, _ = BankAccount.objects.get_or_create(
        entity=entity,
        identifier=statement.account[:64],
        defaults={"iban": statement.iban, "currency": statement.currency[:3] or "EUR"},
    )
    return account
