"""`encaisse import ratings FILE` and the upload page's "Credit ratings": a credit agency's
CSV or Excel file, read by the imports' readers (columns, mapping, encodings, amounts, dates),
matched to customers by SIREN or SIRET, written all or nothing (or ``--partial``).

Each row becomes a CreditRating of every customer with that SIREN (a SIRET's first nine
digits), keyed by (customer, source, date): the same file again adds nothing; a row for a key
already stored with other values corrects it. A new rating worse than the one before
(``ratings_rules``) is marked a downgrade and told to the rep and finance, once.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence, sentence_plural
from encaisse.imports.fields import FieldSpec, mapping_from_dict, register_schema
from encaisse.imports.file_kinds import FileKind, ImportOptions, register_file_kind
from encaisse.imports.models import ImportKind, ImportRun, ImportStatus
from encaisse.imports.parsers import Table, read_table
from encaisse.imports.rejects import RejectsWriter
from encaisse.imports.rows import Row
from encaisse.imports.runs import (
    CHUNK_ROWS,
    MAX_PROBLEMS_KEPT,
    ImportResult,
    Progress,
    failures_recorded,
    finish_run,
    read_file_bytes,
    refused_whole,
    result_of,
    start_run,
)
from encaisse.ledger.models import Customer
from encaisse.risk.models_ratings import CreditRating
from encaisse.risk.ratings_alerts import mark_and_tell_downgrades

KIND = ImportKind.RATINGS.value
MAX_FILE_BYTES = 200 * 1024**2

# fmt: off
RATING_FIELDS = (
    FieldSpec("siren", _("SIREN (9 digits, checked); or a siret column"), "siren", False, 9,
              ("numero siren", "siren client", "siren entreprise")),
    FieldSpec("siret", _("SIRET (14 digits, checked): its first 9 digits are the SIREN"),
              "siret", False, 14, ("numero siret", "siret client", "siret etablissement")),
    FieldSpec("score", _("score from 0 (worst) to 100 (best)"), "text", False, 12,
              ("score risque", "note risque", "note", "score defaillance", "indice")),
    FieldSpec("grade", _("the agency's grade (AAA ... D, A ... E or its own)"), "text", False, 20,
              ("cotation", "classe risque", "classe", "notation", "rating")),
    FieldSpec("recommended_limit", _("credit limit the agency recommends (amount)"), "money",
              False, 0, ("encours recommande", "encours conseille", "limite recommandee",
                         "limite credit recommandee", "credit recommande", "montant recommande",
                         "recommended credit", "recommended limit")),
    FieldSpec("date", _("date of the rating"), "date", True, 0,
              ("date notation", "date score", "date cotation", "date evaluation", "date")),
    FieldSpec("incidents", _("number of payment incidents"), "text", False, 12,
              ("nombre incidents", "nb incidents", "incidents paiement", "incidents")),
    FieldSpec("source", _("who rated (the agency); empty: none named"), "text", False, 60,
              ("agence notation", "fournisseur", "provider", "agence", "source")),
)
# fmt: on

HELP = _(
    "a credit agency's ratings (CSV or Excel): siren or siret, score (0-100), grade, "
    "recommended_limit, date, incidents, source; matched to customers by SIREN, kept as "
    "history; a downgrade is told to the rep and finance"
)


def register_ratings_kind() -> None:
    register_schema(KIND, RATING_FIELDS)
    register_file_kind(
        FileKind(name=KIND, help=HELP, run=run_ratings, suffixes=(".csv", ".xlsx"), mappable=True)
    )


def run_ratings(*, path: Path, user: User | None, options: ImportOptions) -> ImportResult:
    return import_ratings(path=path, user=user, options=options)


@dataclass(frozen=True)
class Good:
    """A checked row, for each customer it names."""

    number: int
    customer_ids: tuple[int, ...]
    source: str
    values: dict[str, Any]


def import_ratings(*, path: str | Path, user: User | None, options: ImportOptions) -> ImportResult:
    """Import a ratings file; records an ImportRun whatever happens (the result says how it
    went, bad input included)."""
    path = Path(path)
    queued = ImportRun.objects.get(pk=options.import_run_id) if options.import_run_id else None
    run = start_run(
        kind=KIND,
        path=path,
        user=user,
        options={
            "mapping": options.mapping,
            "partial": options.partial,
            "rejects_path": options.rejects_path or "",
        },
        run=queued,
    )
    with failures_recorded(run):
        mapping = mapping_from_dict(options.mapping, kind=KIND)
        data = read_file_bytes(
            path,
            max_bytes=MAX_FILE_BYTES,
            too_large=sentence("the file is larger than 200 MB: split it"),
        )
        table = read_table(io.BytesIO(data), kind=KIND, mapping=mapping)
        run.file_format = dict(table.detected)
        if not table.fields & {"siren", "siret"}:
            raise BadInput(
                sentence(
                    "row 1 (header), column siren: missing required column (name it 'siren' "
                    "or 'siret', or map it: --map siren=COLUMN); the columns are: %(columns)s",
                    columns=", ".join(repr(h) for h in table.header if h.strip()),
                )
            )
        _import_table(run, table, path, options, Progress(run, options.on_progress))
    return result_of(run)


def _import_table(
    run: ImportRun, table: Table, path: Path, options: ImportOptions, progress: Progress
) -> None:
    rejects = RejectsWriter(table, path, options.rejects_path or "") if options.partial else None
    notes: list[Text] = []
    if table.ignored_columns:
        notes.append(
            sentence("columns ignored: %(columns)s", columns=", ".join(table.ignored_columns))
        )
    good: list[Good] = []
    seen: dict[tuple[int, str, Any], int] = {}
    problems: list[dict[str, Any]] = []
    problem_count = rejected = done = 0
    try:
        for chunk in table.chunks(CHUNK_ROWS):
            matches = _customers_of(chunk)
            for row in chunk:
                checked = _check(row, matches, seen)
                if row.problems:
                    row.sort_problems()
                    rejected += 1
                    problem_count += len(row.problems)
                    room = MAX_PROBLEMS_KEPT - len(problems)
                    problems.extend(p.as_dict() for p in row.problems[: max(room, 0)])
                    if rejects:
                        rejects.write(row)
                elif checked is not None:
                    good.append(checked)
            done += len(chunk)
            progress(done, table.estimated_rows)
        run.file_format = dict(table.detected)
        run.problems, run.problem_count = problems, problem_count
        if not done:
            raise BadInput(sentence("the file has a header but no rows"))
        if rejected and not options.partial:
            run.rows_rejected = rejected
            finish_run(
                run,
                ImportStatus.FAILED,
                message=refused_whole(
                    run,
                    problems=problem_count,
                    rejected=rejected,
                    read=sentence_plural("%(count)s row", "%(count)s rows", done),
                    unit="rows",
                ),
                notes=notes,
            )
            return
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.WRITING)
        with transaction.atomic():
            created, updated, unchanged = _write(run, good)
            downgrades = mark_and_tell_downgrades(ratings=created)
            if downgrades:
                notes.append(
                    sentence_plural(
                        "%(count)s downgrade told to the rep and finance",
                        "%(count)s downgrades told to the reps and finance",
                        downgrades,
                    )
                )
            if rejects:
                run.rejects_file = rejects.close()
            run.rows_created, run.rows_updated = len(created), updated
            run.rows_unchanged, run.rows_rejected = unchanged, rejected
            run.progress_done = run.progress_total = done
            counts = sentence(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(rejected)s rejected",
                created=len(created),
                updated=updated,
                unchanged=unchanged,
                rejected=rejected,
            )
            finish_run(
                run, ImportStatus.PARTIAL if rejected else ImportStatus.SUCCEEDED,
                message=counts, notes=notes,
            )  # fmt: skip
    finally:
        if rejects:
            rejects.close()


def _customers_of(rows: list[Row]) -> dict[str, list[tuple[int, str, str]]]:
    """The customers the rows' SIRENs name: SIREN -> [(id, siren, siret)], in one query."""
    sirens = set()
    for row in rows:
        siret, siren = row.values.get("siret"), row.values.get("siren")
        if siret:
            sirens.add(siret[:9])
        if siren:
            sirens.add(siren)
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    if not sirens:
        return found
    customers = (
        Customer.objects.annotate(siret_siren=Substr("siret", 1, 9))
        .filter(Q(siren__in=sirens) | Q(siret_siren__in=sirens))
        .values_list("pk", "siren", "siret")
    )
    for pk, siren, siret in customers:
        for key in {siren, siret[:9]} & sirens:
            found[key].append((pk, siren, siret))
    return found


def _check(
    row: Row,
    matches: dict[str, list[tuple[int, str, str]]],
    seen: dict[tuple[int, str, Any], int],
) -> Good | None:
    values = row.values
    score = _whole(row, "score", highest=100)
    incidents = _whole(row, "incidents", highest=None)
    limit = values.get("recommended_limit")
    if limit is not None and limit < 0:
        row.problem("recommended_limit", sentence("a recommended limit is not negative"))
    if score is None and not values.get("grade") and "score" not in _bad(row):
        row.problem("score", sentence("neither a score nor a grade: the row says nothing"))
    siret, siren = values.get("siret"), values.get("siren")
    if siret and siren and siret[:9] != siren:
        row.problem("siret", sentence("its SIREN is not %(siren)s (the siren column)", siren=siren))
    if not siret and not siren and not _bad(row) & {"siren", "siret"}:
        field = "siren" if "siren" in row.positions else "siret"
        row.problem(field, sentence("empty: a SIREN or a SIRET is needed"))
    if row.problems:
        return None
    if siret:
        by_siret = [pk for pk, _siren, their in matches.get(siret[:9], []) if their == siret]
        ids = by_siret or [pk for pk, _s, _t in matches.get(siret[:9], [])]
    else:
        ids = [pk for pk, _s, _t in matches.get(siren or "", [])]
    if not ids:
        field = "siret" if siret else "siren"
        row.problem(field, sentence("no customer has this SIREN (import the customers first)"))
        return None
    source = values.get("source") or ""
    for pk in ids:
        key = (pk, source.casefold(), values["date"])
        if key in seen:
            row.problem(
                "date",
                sentence(
                    "the same company, source and date are on row %(row)s", row=str(seen[key])
                ),
            )
            return None
    for pk in ids:
        seen[(pk, source.casefold(), values["date"])] = row.number
    facts = {
        "score": score,
        "grade": values.get("grade") or "",
        "recommended_limit": limit,
        "rated_on": values["date"],
        "incidents": incidents,
    }
    return Good(row.number, tuple(sorted(set(ids))), source, facts)


def _bad(row: Row) -> set[str]:
    """The fields whose cell has a problem already."""
    headers = {problem.column for problem in row.problems}
    return {name for name, header in row.columns.items() if header in headers}


def _whole(row: Row, name: str, *, highest: int | None) -> int | None:
    """A whole number of a text column (a score 72 or 72,0; incidents 3), or None."""
    value = row.values.get(name)
    if value is None:
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        row.problem(name, sentence("not a whole number"))
        return None
    if number < 0 or (highest is not None and number > highest):
        row.problem(name, sentence("not between 0 and %(highest)s", highest=str(highest or 0)))
        return None
    return int(number)


_COMPARED = ("score", "grade", "recommended_limit", "incidents")


def _write(run: ImportRun, good: list[Good]) -> tuple[list[CreditRating], int, int]:
    """Store the checked rows: new keys created, changed ones corrected, the rest unchanged."""
    customer_ids = {pk for row in good for pk in row.customer_ids}
    stored: dict[tuple[int, str, Any], CreditRating] = {}
    ids = sorted(customer_ids)
    for start in range(0, len(ids), 2000):
        for rating in CreditRating.objects.filter(customer_id__in=ids[start : start + 2000]):
            stored[(rating.customer_id, rating.source.casefold(), rating.rated_on)] = rating
    new: list[CreditRating] = []
    changed: list[CreditRating] = []
    unchanged = 0
    for row in good:
        for pk in row.customer_ids:
            existing = stored.get((pk, row.source.casefold(), row.values["rated_on"]))
            if existing is None:
                new.append(
                    CreditRating(customer_id=pk, source=row.source, import_run=run, **row.values)
                )
            elif any(getattr(existing, name) != row.values[name] for name in _COMPARED):
                for name in _COMPARED:
                    setattr(existing, name, row.values[name])
                existing.import_run = run
                changed.append(existing)
            else:
                unchanged += 1
    created = CreditRating.objects.bulk_create(new, batch_size=2000)
    CreditRating.objects.bulk_update(changed, [*_COMPARED, "import_run"], batch_size=2000)
    return created, len(changed), unchanged
