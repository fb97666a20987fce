"""Reading ledger files: bytes in, rows of canonical fields (and row problems) out.

Pure: no database (messages are core.i18n Sentences, translated where they are shown). A
file is read as a stream, whatever its size: the encoding is checked over the whole file
first (cheaply, in 1 MiB blocks), then rows come out one at a time. What can be told from
the file alone is checked here (dates, amounts, SIREN/VAT, required values, a due date
before the issue date); what needs the ledger (unknown customer, duplicate number, unknown
rep) is the loader's job.

Later formats (FEC, bank statements, Factur-X) produce the same ``Row`` objects with the
same canonical fields (``fields.SCHEMAS``), so the loaders serve them unchanged.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from typing import IO, Any

from encaisse.core.encodings import detect_encoding, encoding_label
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence, text_of
from encaisse.imports.fields import SCHEMAS, Kind, Mapping, header_key
from encaisse.imports.rows import Problem, Row
from encaisse.imports.text_files import (
    bounded_lines,
    csv_records,
    detect_delimiter,
    refuse_other_formats,
)
from encaisse.imports.values import (
    DateReader,
    MoneyReader,
    ValueProblem,
    cell_text,
    decimal_votes,
    parse_country,
    parse_currency,
    parse_days,
    parse_email,
    parse_flag,
    parse_segment,
    parse_siren,
    parse_siret,
    parse_vat_number,
    text_reader,
)

SAMPLE_ROWS = 200  # rows read ahead to detect the decimal separator


@dataclass
class Table:
    """An opened file: its header, which column holds which field, and its rows (once)."""

    kind: str  # a fields.Kind, or a schema another app registered
    header: list[str]
    columns: dict[str, int]  # field -> index in the row
    ignored_columns: list[str]
    detected: dict[str, str]
    estimated_rows: int
    _records: Iterator[tuple[int, list[Any]]]
    _readers: dict[str, Callable[[object], Any]]
    _dates: DateReader
    _text_cells: bool = False  # CSV cells are text already

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.columns)

    def rows(self) -> Iterator[Row]:
        specs = {spec.name: spec for spec in SCHEMAS[self.kind]}
        plan = sorted(  # in the file's column order, so problems read left to right
            (
                (name, index, specs[name], self._readers[name])
                for name, index in self.columns.items()
            ),
            key=lambda step: step[1],
        )
        headers = {name: self.header[index] for name, index in self.columns.items()}
        width = len(self.header)
        for number, cells in self._records:
            values: dict[str, Any] = {}
            problems: list[Problem] = []
            for name, index, spec, reader in plan:
                cell = cells[index] if index < len(cells) else None
                if cell is None or (type(cell) is str and not (cell := cell.strip())):
                    values[name] = None
                    if spec.required:
                        problems.append(
                            Problem(number, headers[name], "", sentence("empty (required)"))
                        )
                    continue
                try:
                    values[name] = reader(cell)
                except ValueProblem as error:
                    values[name] = None
                    problems.append(Problem(number, headers[name], cell_text(cell), text_of(error)))
            texts = cells if self._text_cells else [cell_text(cell) for cell in cells]
            if len(texts) > width and (extra := [t for t in texts[width:] if t.strip()]):
                problems.append(
                    Problem(
                        number,
                        str(width + 1),
                        extra[0],
                        sentence(
                            "%(values)s values but the header has %(columns)s columns (a "
                            "separator inside a value without quotes?)",
                            values=len(texts),
                            columns=width,
                        ),
                    )
                )
            row = Row(number, values, texts, problems, headers, self.columns)
            if self.kind == Kind.INVOICES:
                issued, due = values.get("issue_date"), values.get("due_date")
                if issued and due and due < issued:
                    row.problem(
                        "due_date",
                        sentence(
                            "due date before the issue date %(date)s",
                            date=f"{issued:%d/%m/%Y}",
                        ),
                    )
            yield row

    def chunks(self, size: int) -> Iterator[list[Row]]:
        rows = self.rows()
        while chunk := list(islice(rows, size)):
            yield chunk
        self.detected.update(self._date_forms())

    def _date_forms(self) -> dict[str, str]:
        if self._dates.date_format:
            return {}
        forms = sorted(self._dates.forms_seen)
        return {"dates": " and ".join(forms)} if forms else {}


def _resolve_columns(
    header: list[str], kind: str, mapping: Mapping
) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field: the mapping first, then canonical names, then synonyms."""
    keys = [header_key(text) for text in header]
    seen: dict[str, str] = {}
    for text, key in zip(header, keys, strict=True):
        if key and key in seen:
            raise BadInput(
                sentence("row 1 (header): the column %(column)s appears twice", column=repr(text))
            )
        seen[key] = text
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for name, wanted in mapping.columns.items():
        matches = [i for i, text in enumerate(header) if text.strip() == wanted.strip()]
        matches = matches or [i for i, key in enumerate(keys) if key == header_key(wanted)]
        if not matches:
            raise BadInput(
                sentence(
                    "row 1 (header), column %(column)s: not in the file (mapped to %(field)s); "
                    "the columns are: %(columns)s",
                    column=wanted,
                    field=name,
                    columns=", ".join(repr(h) for h in header if h.strip()),
                )
            )
        columns[name] = matches[0]
        taken.add(matches[0])
    candidates = []
    for rank_base, spec in enumerate(SCHEMAS[kind]):
        if spec.name in columns:
            continue
        names = (header_key(spec.name), *spec.synonyms)
        for rank, synonym in enumerate(names):
            for index, key in enumerate(keys):
                if key == synonym:
                    candidates.append((rank, rank_base, spec.name, index))
    for _rank, _base, name, index in sorted(candidates):
        if name not in columns and index not in taken:
            columns[name] = index
            taken.add(index)
    missing = [spec for spec in SCHEMAS[kind] if spec.required and spec.name not in columns]
    if missing:
        spec = missing[0]
        example = spec.synonyms[0] if spec.synonyms else spec.name
        named = ", ".join(repr(h) for h in header if h.strip())
        raise BadInput(
            sentence(
                "row 1 (header), column %(field)s: missing required column (name it %(name)s "
                "or %(example)s, or map it: --map %(field)s=COLUMN); the columns are: "
                "%(columns)s",
                field=spec.name,
                name=repr(spec.name),
                example=repr(example),
                columns=named or sentence("none"),
            )
        )
    ignored = [text for index, text in enumerate(header) if index not in taken and text.strip()]
    return columns, ignored


def _find_header(records: list[tuple[int, list[Any]]], kind: str) -> int:
    """The index of the header among the first records: the first that names two fields
    (an export may start with a title line), else the first non-empty one."""
    known = {header_key(spec.name) for spec in SCHEMAS[kind]}
    known |= {synonym for spec in SCHEMAS[kind] for synonym in spec.synonyms}
    first = None
    for position, (_number, cells) in enumerate(records[:10]):
        texts = [cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue
        if first is None:
            first = position
        if sum(header_key(text) in known for text in texts) >= 2:
            return position
    if first is None:
        raise BadInput(sentence("the file has no rows (only empty lines)"))
    return first


def _open_records(
    records: Iterator[tuple[int, list[Any]]],
    *,
    kind: str,
    mapping: Mapping,
    detected: dict[str, str],
    estimated_lines: int,
    default_decimal: str,
    text_cells: bool,
) -> Table:
    head = list(islice(records, 10))
    if not head:
        raise BadInput(sentence("the file has no rows"))
    header_at = _find_header(head, kind)
    header_number, header_cells = head[header_at]
    header = [cell_text(cell).strip() for cell in header_cells]
    while header and not header[-1]:
        header.pop()
    columns, ignored = _resolve_columns(header, kind, mapping)
    rest = chain(head[header_at + 1 :], records)
    sample = list(islice(rest, SAMPLE_ROWS))
    money_fields = [
        spec.name for spec in SCHEMAS[kind] if spec.reader == "money" and spec.name in columns
    ]
    decimal = mapping.format.decimal_separator
    if decimal is None and text_cells:  # Excel numbers are numbers already
        votes = [
            cells[columns[name]]
            for _n, cells in sample
            for name in money_fields
            if columns[name] < len(cells) and isinstance(cells[columns[name]], str)
        ]
        decimal = decimal_votes(votes)
        detected["decimal separator"] = (
            "comma" if (decimal or default_decimal) == "," else "point"
        ) + ("" if decimal else " (assumed)")
    dates = DateReader(mapping.format.date_format)
    money = MoneyReader(mapping.format.decimal_separator, default=decimal or default_decimal)
    readers: dict[str, Callable[[object], Any]] = {}
    for spec in SCHEMAS[kind]:
        if spec.reader in ("text", "key"):
            readers[spec.name] = text_reader(spec.max_length)
        elif spec.reader == "money":
            readers[spec.name] = money
        elif spec.reader == "date":
            readers[spec.name] = dates
        elif spec.reader == "flag":
            readers[spec.name] = parse_flag
        else:
            readers[spec.name] = _VALUE_PARSERS[spec.reader]
    records_after_header = _skip_blank(chain(sample, rest), text_cells=text_cells)
    return Table(
        kind=kind,
        header=header,
        columns=columns,
        ignored_columns=ignored,
        detected=detected,
        estimated_rows=max(estimated_lines - header_number, 0),
        _records=records_after_header,
        _readers=readers,
        _dates=dates,
        _text_cells=text_cells,
    )


_VALUE_PARSERS: dict[str, Callable[[object], Any]] = {
    "siren": parse_siren,
    "siret": parse_siret,
    "vat_number": parse_vat_number,
    "segment": parse_segment,
    "email": parse_email,
    "days": parse_days,
    "country": parse_country,
    "currency": parse_currency,
}


def _skip_blank(
    records: Iterable[tuple[int, list[Any]]], *, text_cells: bool
) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in records:
        if text_cells:
            if "".join(cells).strip():
                yield number, cells
        elif any(cell is not None and (type(cell) is not str or cell.strip()) for cell in cells):
            yield number, cells


def read_table(source: IO[bytes], *, kind: str, mapping: Mapping | None = None) -> Table:
    """Open a CSV or XLSX file (seekable binary stream) as a table of ``kind`` rows.

    File-level problems (empty, binary, unknown encoding, missing column...) raise BadInput
    with a one-line message; row-level problems are reported on each ``Row``.
    """
    mapping = mapping or Mapping()
    source.seek(0)
    head = source.read(64 * 1024)
    source.seek(0)
    if not head:
        raise BadInput(sentence("the file is empty (0 bytes)"))
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(source, kind=kind, mapping=mapping)
    refuse_other_formats(head)
    encoding, lines = detect_encoding(source, head, mapping.format.encoding)
    detected = {"format": "CSV", "encoding": encoding_label(encoding)}
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    bounded = bounded_lines(text)
    first_lines = list(islice(bounded, 50))
    delimiter = mapping.format.delimiter or detect_delimiter(first_lines)
    detected["separator"] = {"\t": "tab", ";": "semicolon", ",": "comma"}.get(delimiter, delimiter)
    reader = csv.reader(chain(first_lines, bounded), delimiter=delimiter)
    return _open_records(
        csv_records(reader),
        kind=kind,
        mapping=mapping,
        detected=detected,
        estimated_lines=lines,
        default_decimal="," if delimiter == ";" else ".",
        text_cells=True,
    )


MAX_XLSX_UNPACKED = 2 * 1024**3  # an Excel file unpacks to this at most (a million rows fit)
MAX_XLSX_RATIO = 200  # unpacked / packed, for a part over 10 MB: beyond, a zip bomb


def _refuse_zip_bomb(parts: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook that would unpack to far more than a spreadsheet holds. The sizes
    the ZIP declares bound what zipfile unpacks, so checking them is enough."""
    unpacked = sum(part.file_size for part in parts)
    swollen = any(
        part.file_size > 10 * 1024**2
        and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if unpacked > MAX_XLSX_UNPACKED or swollen:
        raise BadInput(
            sentence(
                "the Excel workbook would unpack to %(size)s MB, far more than its data "
                "(a damaged or malicious file?): save it again from Excel, or as CSV",
                size=unpacked // 1024**2,
            )
        )


def _read_xlsx(source: IO[bytes], *, kind: str, mapping: Mapping) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            _refuse_zip_bomb(archive.infolist())
    except zipfile.BadZipFile:
        raise BadInput(sentence("the file looks like an Excel workbook but is damaged")) from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise BadInput(sentence("this is an OpenDocument spreadsheet: save it as .xlsx or CSV"))
        raise BadInput(sentence("this is a ZIP archive, not a CSV or Excel file"))
    source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise BadInput(
            sentence("the Excel workbook cannot be read (%(error)s)", error=str(error))
        ) from None
    wanted = mapping.format.sheet
    if wanted and wanted not in workbook.sheetnames:
        raise BadInput(
            sentence(
                "sheet %(sheet)s is not in the workbook (%(sheets)s)",
                sheet=repr(wanted),
                sheets=", ".join(workbook.sheetnames),
            )
        )
    sheet = workbook[wanted] if wanted else workbook.worksheets[0]
    detected = {"format": "Excel", "sheet": str(sheet.title)}
    records = (
        (number, list(cells))
        for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    )
    return _open_records(
        records,
        kind=kind,
        mapping=mapping,
        detected=detected,
        estimated_lines=int(sheet.max_row or 0),
        default_decimal=".",
        text_cells=False,
    )
