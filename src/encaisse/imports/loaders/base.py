"""The machinery every loader shares: check a chunk, stage it, write the stage."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, ClassVar, Generic, TypeVar, cast

from django.db import connection
from django.db.models import Field, Model

from encaisse.core.i18n import Text, sentence
from encaisse.imports.fields import KEY_FIELD, Kind
from encaisse.imports.loaders.records import Staging
from encaisse.imports.rows import Row
from encaisse.imports.staging import CREATE, REJECTED, UNCHANGED, UPDATE, Stage
from encaisse.ledger.models import Customer, Invoice, LegalEntity, Payment
from encaisse.ledger.services import create_legal_entity, letter_by_codes, write_staged

MAX_NOTES = 200


def batches(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def lookup_batch_size() -> int:
    return min(connection.features.max_query_params or 5000, 5000) - 10


def records_by_key(
    model: type[Model], *, entity_id: int, key_field: str, keys: set[str], names: list[str]
) -> Iterator[dict[str, Any]]:
    """The given fields of the entity's records with these keys, looked up in bulk.

    On PostgreSQL one query joining an array of the keys (a 5,000-placeholder IN list costs
    more to build than to run, and the join walks the unique index whatever the table's
    statistics say right after a bulk load); elsewhere the ORM in batches under the
    parameter limit.
    """
    if not keys:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(f"t.{column(model, name)}" for name in names)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM unnest(%s::text[]) AS wanted(key) "  # noqa: S608
                f"JOIN {quote(model._meta.db_table)} t ON t.{column(model, 'entity')} = %s "
                f"AND t.{column(model, key_field)} = wanted.key",
                [sorted(keys), entity_id],
            )
            for record in cursor.fetchall():
                yield dict(zip(names, record, strict=True))
        return
    manager = model._default_manager
    for batch in batches(sorted(keys), lookup_batch_size()):
        query = manager.filter(entity_id=entity_id, **{f"{key_field}__in": batch})
        yield from query.values(*names)


def model_field(model: type[Model], name: str) -> Field:  # type: ignore[type-arg]
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 (a concrete field, not a relation's reverse)
    return field


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def column(model: type[Model], name: str) -> str:
    column = model_field(model, name).column
    assert column  # noqa: S101 (a concrete column)
    return quote(column)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, action: int) -> None:
        if action == CREATE:
            self.created += 1
        elif action == UPDATE:
            self.updated += 1
        elif action == UNCHANGED:
            self.unchanged += 1
        else:
            self.rejected += 1


@dataclass
class EntityChoice:
    """The legal entity the rows belong to; ``pk`` is None until a new one is written
    (named ``name``; ``first``: the first legal entity, made because there was none)."""

    code: str
    pk: int | None
    currency: str
    name: str = ""
    first: bool = False


RecordT = TypeVar("RecordT", bound=Staging)


class Loader(Generic[RecordT]):
    """Common machinery; a subclass per kind says which model, fields and checks, and
    which typed record (``loaders.records``) it reads and stages."""

    kind: ClassVar[Kind]
    model: ClassVar[type[Customer] | type[Invoice] | type[Payment]]
    key_field: ClassVar[str]
    # Model fields written from the stage: (field, stage type, canonical field it comes from)
    fields: ClassVar[tuple[tuple[str, str, str | None], ...]]
    extra_columns: ClassVar[tuple[tuple[str, str], ...]] = (("refresh", "bool"),)

    def __init__(
        self, *, entity: EntityChoice, file_fields: frozenset[str], create_missing: bool
    ) -> None:
        self.entity = entity
        self.file_fields = file_fields
        self.create_missing = create_missing
        self.counts = Counts()
        self.notes: list[Text] = []  # for the report: translated when it is read
        self.lettering_codes: set[str] = set()  # codes the rows carry (invoices, payments)
        # The model fields the file speaks about: only those are compared and written.
        self.written = [name for name, _t, source in self.fields if self._in_file(source)]
        self.stage = Stage(
            [(name, kind) for name, kind, _s in self.fields] + list(self.extra_columns)
        )
        self._staged_names = [name for name, _kind in self.stage.columns[4:]]

    def _in_file(self, source: str | None) -> bool:
        return source is None or source in self.file_fields

    def note(self, text: Text) -> None:
        if len(self.notes) < MAX_NOTES and text not in self.notes:
            self.notes.append(text)

    # -- checking ----------------------------------------------------------------------

    def check(self, rows: list[Row]) -> list[Row]:
        """Decide each row's fate and stage it; the rejected rows (with their problems)."""
        key_name = KEY_FIELD[self.kind]
        keys = {row.values[key_name] for row in rows if row.values.get(key_name)}
        earlier = self.stage.rows_for(keys)
        existing = self.existing(keys)
        self.prefetch(rows)
        first_in_chunk: dict[str, int] = {}
        staged: list[tuple[object, ...]] = []
        rejected: list[Row] = []
        for row in rows:
            key = row.values.get(key_name)
            first = (earlier.get(key) or first_in_chunk.get(key)) if key else None
            if first is not None:
                row.problem(key_name, _same_key(key_name, first))
            current = existing.get(key) if key else None
            values = self.values(row, current)
            if row.problems or values is None:
                row.sort_problems()
                self.counts.add(REJECTED)
                rejected.append(row)
                if key and first is None:  # keeps the key so a later duplicate is caught
                    first_in_chunk[key] = row.number
                    staged.append(self._staged(key, row.number, REJECTED, None, {}))
                continue
            assert key is not None  # noqa: S101 (a row without its key has a problem)
            first_in_chunk[key] = row.number
            if current is None:
                action, target = CREATE, None
            else:
                target = current["id"]
                changed = any(values.get(name) != current.get(name) for name in self.written)
                action = UPDATE if changed or values.get("force_update") else UNCHANGED
            self.counts.add(action)
            staged.append(self._staged(key, row.number, action, target, values))
        self.stage.add(staged)
        return rejected

    def _staged(
        self, key: str, number: int, action: int, target: int | None, values: Staging
    ) -> tuple[object, ...]:
        return (key, number, action, target, *map(values.get, self._staged_names))

    def existing(self, keys: set[str]) -> dict[str, RecordT]:
        """What is stored under these keys: {key: {"id": ..., field: value, ...}}."""
        if not keys or self.entity.pk is None:
            return {}
        records = records_by_key(
            self.model,
            entity_id=self.entity.pk,
            key_field=self.key_field,
            keys=keys,
            names=["id", self.key_field, *self.compared_fields()],
        )
        return {record[self.key_field]: cast(RecordT, record) for record in records}

    def compared_fields(self) -> list[str]:
        return [name for name, _t, _s in self.fields]

    def prefetch(self, rows: list[Row]) -> None:
        """Bulk look-ups the rows of a chunk need (customers...)."""

    def values(self, row: Row, current: RecordT | None) -> RecordT | None:
        """The model values of a row (merged over ``current``), adding problems to the row."""
        raise NotImplementedError

    # -- writing -----------------------------------------------------------------------

    def write(self) -> None:
        """Apply the stage through the ledger (``ledger.services.write_staged``: INSERT the
        new rows, UPDATE the changed ones), in the caller's transaction."""
        if self.entity.pk is None:
            self._create_entity()
        self.before_write()
        assert self.entity.pk is not None  # noqa: S101 (created just above)
        write_staged(
            model=self.model,
            stage=self.stage.table,
            entity_id=self.entity.pk,
            key_field=self.key_field,
            inserted=[name for name, _t, _s in self.fields],
            updated=list(self.written),
        )
        self.after_write()

    def analyze(self) -> None:
        """Refresh the planner's statistics of the written tables after a big load
        (PostgreSQL; SQLite plans without them). Outside the write transaction."""
        if connection.vendor == "postgresql" and self.counts.created > 10_000:
            with connection.cursor() as cursor:
                for model in self.analyzed_models:
                    cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")

    @property
    def analyzed_models(self) -> list[type[Model]]:
        return [self.model]

    def _create_entity(self) -> None:
        entity = create_legal_entity(
            code=self.entity.code,
            name=self.entity.name or self.entity.code,
            currency=self.entity.currency,
        )
        self.entity.pk = entity.pk
        self.note(new_entity_note(entity, first=self.entity.first))

    def before_write(self) -> None:
        pass

    def letter_shared_codes(self) -> None:
        """Let the documents of this import that carry a lettering code settle the open ones
        that share it (ledger.services.letter_by_codes), and say so in the report."""
        codes = self.lettering_codes - {""}
        if not codes or self.entity.pk is None:
            return
        lettering = letter_by_codes(entity_id=self.entity.pk, codes=codes)
        if lettering.allocations:
            self.note(
                sentence(
                    "lettering codes: %(allocations)s allocation(s) made in %(groups)s group(s) "
                    "of documents that share a code",
                    allocations=lettering.allocations,
                    groups=lettering.groups,
                )
            )

    def after_write(self) -> None:
        pass

    def _touched(self, table: str, condition: str) -> list[int]:
        """Ids of the written rows of ``table`` matching a condition on the stage."""
        updated = self.stage.ids(
            f"SELECT target_id FROM {{stage}} WHERE action = {UPDATE} AND {condition}"  # noqa: S608
        )
        created = self.stage.ids(
            f"SELECT t.id FROM {table} t JOIN {{stage}} ON t.{column(self.model, self.key_field)}"  # noqa: S608
            f" = {{stage}}.key AND t.{column(self.model, 'entity')} = %s "
            f"WHERE {{stage}}.action = {CREATE} AND {condition}",
            [self.entity.pk],
        )
        return updated + created


def _same_key(key_name: str, first: int) -> Text:
    """The problem of a row whose key an earlier row of the file has."""
    row = str(first)
    if key_name == "number":
        return sentence("the same number is on row %(row)s", row=row)
    if key_name == "reference":
        return sentence("the same reference is on row %(row)s", row=row)
    if key_name == "external_id":
        return sentence("the same external id is on row %(row)s", row=row)
    return sentence(
        "the same %(field)s is on row %(row)s", field=key_name.replace("_", " "), row=row
    )


def new_entity_note(entity: LegalEntity, *, first: bool) -> Text:
    """The report's line on a legal entity an import created, and how to complete it."""
    if first:
        return sentence(
            "there was no legal entity yet: %(code)s (%(name)s) was created for these rows; "
            "give it your company's code, name and SIREN on the Company page, or with "
            '`encaisse entity set %(code)s --code CODE --name "NAME" --siren SIREN`',
            code=entity.code,
            name=entity.name,
        )
    return sentence(
        "legal entity %(code)s created; give it its name and SIREN on the Company page, or "
        'with `encaisse entity set %(code)s --code CODE --name "NAME" --siren SIREN`',
        code=entity.code,
    )


class CustomerIds:
    """Customer ids (and payment terms) of the entity by external id, looked up in bulk and
    kept in a bounded cache: a million invoices usually concern a few thousand customers."""

    def __init__(self, entity: EntityChoice) -> None:
        self.entity = entity
        self.known: dict[str, tuple[int, int]] = {}
        self.missing: set[str] = set()

    def load(self, external_ids: set[str]) -> None:
        if len(self.known) + len(self.missing) > 200_000:
            self.known.clear()
            self.missing.clear()
        wanted = {e for e in external_ids if e not in self.known and e not in self.missing}
        if not wanted:
            return
        if self.entity.pk is not None:
            for record in records_by_key(
                Customer,
                entity_id=self.entity.pk,
                key_field="external_id",
                keys=wanted,
                names=["id", "external_id", "payment_terms_days"],
            ):
                self.known[record["external_id"]] = (record["id"], record["payment_terms_days"])
        self.missing |= wanted - set(self.known)

    def get(self, external_id: str | None) -> tuple[int, int] | None:
        return self.known.get(external_id) if external_id else None


# ---------------------------------------------------------------------------------------------
