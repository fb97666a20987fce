"""Files that are not a ledger export: each gets a one-line message, nothing is written,
and the import is still recorded."""

from __future__ import annotations

import io
import zipfile

import pytest

from encaisse.imports.fields import FileFormat, Mapping
from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.report import import_report
from encaisse.imports.tests.conftest import run
from encaisse.imports.text_files import MAX_LINE_CHARS
from encaisse.ledger.models import Invoice

HEADER = "number;customer_external_id;issue_date;due_date;amount\n"


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty (0 bytes)"),
        (b"\n\n  \n", "the file has no rows"),
        (HEADER.encode(), "the file has a header but no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "this is a binary file, not a CSV or Excel file"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "this is an old Excel .xls workbook: save it as .xlsx or CSV and import that",
        ),
        (b"%PDF-1.7\n", "this is a PDF, not a CSV or Excel file"),
        (_zip("photo.jpg"), "this is a ZIP archive, not a CSV or Excel file"),
        (_zip("content.xml"), "this is an OpenDocument spreadsheet: save it as .xlsx or CSV"),
        (b"PK\x03\x04garbage", "the file looks like an Excel workbook but is damaged"),
        (
            HEADER.encode() + b"F1;C1;2026-01-01;2026-01-31;\x81\x8d\n",
            "the file is neither UTF-8 nor Windows-1252 text (byte 0x81 on line 2): "
            "save it from Excel as 'CSV UTF-8' and import it again",
        ),
        (
            b"just one column\nand another line\n",
            "no column separator in the first line (expected ';', ',' or tab): is this a CSV file?",
        ),
        (
            HEADER.encode() + b"F1;C1;" + b"x" * (MAX_LINE_CHARS + 10) + b"\n",
            "row 2: the line is longer than 100,000 characters; this does not look like a CSV file",
        ),
        (
            HEADER.encode()
            + b'F1;"C1;2026-01-01;2026-01-31;5\n'
            + b"F2;C2;2026-01-01;2026-01-31;5\n" * 6000,
            "row 2: a value is longer than 131,072 characters (an opening quote never closed?)",
        ),
        (
            b"N\xc2\xb0 facture;Date facture\nF1;2026-01-01\n",
            "row 1 (header), column customer_external_id: missing required column",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_one_line(
    portfolios, write_file, content, message
):
    result = run("invoices", write_file("upload.csv", content))
    assert result.status == ImportStatus.FAILED
    assert result.message.startswith(message)
    assert "\n" not in result.message
    assert str(import_report(ImportRun.objects.get(pk=result.run_id)).message) == result.message
    assert Invoice.objects.count() == 6  # the portfolios' invoices, nothing more


def test_a_given_encoding_that_does_not_fit_says_how_to_fix_it(portfolios, write_file):
    path = write_file("f.csv", HEADER + "F1;REMI-1;2026-01-01;2026-01-31;5;Société\n", "cp1252")
    result = run("invoices", path, mapping=Mapping(format=FileFormat(encoding="utf-8")))
    assert result.message == (
        "the file is not valid utf-8 (byte 0xE9 on line 2): fix the encoding in the mapping, "
        "or leave it out to let Encaisse detect it"
    )


def test_a_missing_file_is_one_line(db, tmp_path):
    result = run("invoices", tmp_path / "nowhere.csv")
    assert result.message == f"{tmp_path / 'nowhere.csv'}: no such file"


def test_a_stray_separator_in_a_row_is_a_problem_of_that_row(portfolios, write_file):
    result = run(
        "invoices", write_file("f.csv", HEADER + "F1;REMI-1;2026-01-01;2026-01-31;5;oops\n")
    )
    assert [str(p) for p in result.problems] == [
        "row 2, column 6: value 'oops': 6 values but the header has 5 columns "
        "(a separator inside a value without quotes?)"
    ]
