"""Text files as ledgers come: not another format in disguise (a PDF, a ZIP), lines of a
bounded length, the delimiter they use, and CSV records numbered as the user sees them."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence

MAX_LINE_CHARS = 100_000  # a ledger line is a few hundred characters; more is not a CSV


def refuse_other_formats(head: bytes) -> None:
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadInput(
            sentence("this is an old Excel .xls workbook: save it as .xlsx or CSV and import that")
        )
    if head.startswith(b"%PDF"):
        raise BadInput(sentence("this is a PDF, not a CSV or Excel file"))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a BOM ("Unicode text" from Excel)
    if b"\x00" in head:
        raise BadInput(sentence("this is a binary file, not a CSV or Excel file"))


def bounded_lines(text: IO[str]) -> Iterator[str]:
    number = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise BadInput(
                sentence(
                    "row %(row)s: the line is longer than %(limit)s characters; this does not "
                    "look like a CSV file",
                    row=str(number),
                    limit=MAX_LINE_CHARS,
                )
            )
        if "\x00" in line:
            raise BadInput(
                sentence(
                    "row %(row)s: a NUL character; this is a binary file, not a CSV",
                    row=str(number),
                )
            )
        yield line


def detect_delimiter(lines: list[str]) -> str:
    """The separator that splits the first lines into the same, largest number of columns."""
    sample = [line for line in lines if line.strip()][:20]
    if not sample:
        raise BadInput(sentence("the file has no rows (only empty lines)"))
    best, best_score = "", (0, 0)
    for candidate in (";", "\t", ",", "|"):
        counts = [len(row) for row in csv.reader(sample, delimiter=candidate)]
        regular = sum(count == counts[0] for count in counts)
        score = (counts[0], regular) if counts[0] > 1 else (0, 0)
        if score > best_score:
            best, best_score = candidate, score
    if not best:
        raise BadInput(
            sentence(
                "no column separator in the first line (expected ';', ',' or tab): is this a "
                "CSV file?"
            )
        )
    return best


def csv_records(reader: Any) -> Iterator[tuple[int, list[Any]]]:
    """(line number where the record starts, cells) for each record of a csv.reader."""
    previous_end = 0
    try:
        for cells in reader:
            yield previous_end + 1, cells
            previous_end = reader.line_num
    except csv.Error as error:
        line = previous_end + 1
        if "field larger than field limit" in str(error):
            raise BadInput(
                sentence(
                    "row %(row)s: a value is longer than %(limit)s characters (an opening quote "
                    "never closed?)",
                    row=str(line),
                    limit=csv.field_size_limit(),
                )
            ) from None
        raise BadInput(
            sentence(
                "row %(row)s: the CSV cannot be read (%(error)s)", row=str(line), error=str(error)
            )
        ) from None
