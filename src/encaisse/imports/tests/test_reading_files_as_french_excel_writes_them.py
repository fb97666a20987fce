"""The parser reads what finance exports, without a mapping: encodings, separators,
French headers, amounts and dates as Excel writes them. No database here."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from encaisse.core.errors import BadInput
from encaisse.imports.fields import Kind, header_key
from encaisse.imports.parsers import read_table
from encaisse.imports.tests.conftest import FRENCH_INVOICES
from encaisse.imports.values import DateReader, MoneyReader, ValueProblem


def rows_of(data: bytes, kind: Kind = Kind.INVOICES):
    table = read_table(io.BytesIO(data), kind=kind)
    return table, list(table.rows())


def test_french_excel_csv_in_windows_1252_with_semicolons_is_read_without_a_mapping():
    table, rows = rows_of(FRENCH_INVOICES.encode("cp1252"))
    assert table.detected["encoding"] == "Windows-1252"
    assert table.detected["separator"] == "semicolon"
    assert table.detected["decimal separator"] == "comma"
    first = rows[0].values
    assert first["number"] == "FA-2026-001"
    assert first["customer_external_id"] == "REMI-1"
    assert first["issue_date"] == dt.date(2026, 1, 15)
    assert first["due_date"] == dt.date(2026, 2, 14)
    assert first["amount"] == Decimal("1234.56")
    assert rows[2].values["amount"] == Decimal("-120.00")
    assert [row.number for row in rows] == [2, 3, 4]
    assert not any(row.problems for row in rows)


def test_utf8_with_bom_and_tabs_is_read():
    text = (
        "number\tcustomer_external_id\tissue_date\tdue_date\tamount\r\n"
        "F1\tC1\t2026-01-31\t2026-03-02\t1234.5\r\n"
    )
    table, rows = rows_of(b"\xef\xbb\xbf" + text.encode())
    assert table.detected["encoding"] == "UTF-8 with BOM"
    assert table.detected["separator"] == "tab"
    assert rows[0].values["number"] == "F1"
    assert rows[0].values["amount"] == Decimal("1234.50")


def test_an_xlsx_workbook_with_real_dates_and_numbers_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["N° facture", "Code client", "Date facture", "Échéance", "Montant TTC"])
    issued, due = dt.datetime(2026, 1, 15), dt.datetime(2026, 2, 14)  # noqa: DTZ001 (Excel dates are naive)
    sheet.append([1001, "C1", issued, due, 1234.56])
    sheet.append(["AV-1", "C1", "20/01/2026", "20/01/2026", -99.9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, rows = rows_of(buffer.getvalue())
    assert table.detected["format"] == "Excel"
    assert rows[0].values["number"] == "1001"
    assert rows[0].values["issue_date"] == dt.date(2026, 1, 15)
    assert rows[0].values["amount"] == Decimal("1234.56")
    assert rows[1].values["amount"] == Decimal("-99.90")
    assert rows[1].values["issue_date"] == dt.date(2026, 1, 20)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("N° facture", "number"),
        ("Numéro de facture", "number"),
        ("No facture", "number"),
        ("Code client", "customer_external_id"),
        ("Date facture", "issue_date"),
        ("Date d'échéance", "due_date"),
        ("Échéance", "due_date"),
        ("Montant TTC (€)", "amount"),
        ("Devise", "currency"),
        ("Litige", "disputed"),
    ],
)
def test_common_french_headers_name_their_field(header, field):
    others = {
        "number": "Pièce",
        "customer_external_id": "Compte",
        "issue_date": "Date",
        "amount": "Montant",
    }
    columns = [header, *(text for name, text in others.items() if name != field)]
    data = ";".join(columns) + "\n" + ";".join("x" for _ in columns) + "\n"
    table = read_table(io.BytesIO(data.encode()), kind=Kind.INVOICES)
    assert table.header[table.columns[field]] == header


def test_the_more_precise_header_wins_and_other_columns_are_ignored():
    data = "Client;Code client;N° facture;Date;Date facture;Montant HT;Montant TTC\n"
    table = read_table(io.BytesIO(data.encode() + b"a;b;c;d;e;f;g\n"), kind=Kind.INVOICES)
    named = {field: table.header[index] for field, index in table.columns.items()}
    assert named["customer_external_id"] == "Code client"
    assert named["issue_date"] == "Date facture"
    assert named["amount"] == "Montant TTC"
    assert set(table.ignored_columns) == {"Client", "Date", "Montant HT"}


def test_a_title_line_above_the_header_is_skipped():
    data = "Export des factures au 31/01/2026;;;;\n" + FRENCH_INVOICES
    _table, rows = rows_of(data.encode("cp1252"))
    assert rows[0].values["number"] == "FA-2026-001"
    assert rows[0].number == 3


def test_header_keys_ignore_accents_case_and_punctuation():
    assert header_key("N° de facture") == header_key("NUMERO FACTURE") == "numero facture"
    assert header_key("E-mail") == header_key("Courriel") == "email"


@pytest.mark.parametrize(
    ("text", "decimal", "amount"),
    [
        ("1 234,56 €", ",", "1234.56"),
        ("1\u202f234,56\u00a0€", ",", "1234.56"),
        ("1.234,56", ",", "1234.56"),
        ("1,234.56", ".", "1234.56"),
        ("1234.5", ",", "1234.50"),
        ("-120,00 €", ",", "-120.00"),
        ("120,00-", ",", "-120.00"),
        ("(120,00)", ",", "-120.00"),
        ("EUR 99", ",", "99.00"),
        ("1.234", ",", "1234.00"),
        ("1,234", ".", "1234.00"),
        ("12 345 678,9", ",", "12345678.90"),
        ("1'234.50", ".", "1234.50"),
    ],
)
def test_amounts_are_read_as_finance_writes_them(text, decimal, amount):
    assert MoneyReader(None, default=decimal)(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not an amount"),
        ("12,3,4", "not an amount"),
        ("1,2345", "more than 2 decimals"),
        ("12.345,6.7", "not an amount"),
        ("-", "not an amount"),
    ],
)
def test_what_is_not_an_amount_says_why(text, reason):
    with pytest.raises(ValueProblem, match=reason):
        MoneyReader(None, default=",")(text)


def test_a_decimal_separator_given_in_the_mapping_is_enforced():
    with pytest.raises(ValueProblem):
        MoneyReader(",")("1234.56")
    assert MoneyReader(",")("1.234,56") == Decimal("1234.56")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2026-01-31", dt.date(2026, 1, 31)),
        ("2026-01-31 00:00:00", dt.date(2026, 1, 31)),
        ("31/01/2026", dt.date(2026, 1, 31)),
        ("1/2/2026", dt.date(2026, 2, 1)),
        ("31.01.2026", dt.date(2026, 1, 31)),
        ("31/01/26", dt.date(2026, 1, 31)),
        ("20260131", dt.date(2026, 1, 31)),
    ],
)
def test_dates_are_read_in_iso_and_french_forms(text, date):
    assert DateReader()(text) == date


def test_an_impossible_date_or_an_american_form_is_refused():
    with pytest.raises(ValueProblem, match="no such day"):
        DateReader()("31/02/2026")
    with pytest.raises(ValueProblem, match="no such day"):
        DateReader()("12/31/2026")
    with pytest.raises(ValueProblem, match="not a date"):
        DateReader()("janvier 2026")
    assert DateReader("mm/dd/yyyy")("12/31/2026") == dt.date(2026, 12, 31)


def test_each_bad_cell_of_a_row_is_a_problem_with_row_column_value_and_reason():
    data = (
        "N° facture;Code client;Date facture;Échéance;Montant TTC\n"
        "F1;C1;31/02/2026;01/01/2026;abc\n"
        "F2;;15/01/2026;01/01/2026;10\n"
    )
    _table, rows = rows_of(data.encode())
    assert [str(p) for p in rows[0].problems] == [
        "row 2, column Date facture: value '31/02/2026': not a valid date (no such day or month)",
        "row 2, column Montant TTC: value 'abc': not an amount",
    ]
    assert [str(p) for p in rows[1].problems] == [
        "row 3, column Code client: value '': empty (required)",
        "row 3, column Échéance: value '01/01/2026': due date before the issue date 15/01/2026",
    ]


def test_a_missing_required_column_is_one_clear_message():
    with pytest.raises(BadInput, match=r"row 1 \(header\), column amount: missing required column"):
        read_table(
            io.BytesIO(b"number;customer_external_id;issue_date\nF1;C1;2026-01-01\n"),
            kind=Kind.INVOICES,
        )


def test_customer_checks_siren_vat_segment_and_email_with_python_stdnum():
    data = (
        "Code client;Raison sociale;SIREN;N° TVA intracommunautaire;Segment;E-mail\n"
        "C1;Béton SA;732 829 320;FR 44 732829320;Grand compte;compta@beton.fr\n"
        "C2;Gravier SA;732829321;FR00123;Géant;pas-un-mail\n"
    )
    _table, rows = rows_of(data.encode(), Kind.CUSTOMERS)
    good = rows[0].values
    assert (good["siren"], good["vat_number"], good["segment"]) == (
        "732829320",
        "FR44732829320",
        "key_account",
    )
    reasons = [str(p.reason) for p in rows[1].problems]
    assert reasons == [
        "not a valid SIREN",
        "not a valid EU VAT number",
        "unknown segment (expected one of key_account, sme, small, public)",
        "not an e-mail address",
    ]


def test_excel_unicode_text_in_utf16_is_read():
    text = "N° facture\tCode client\tDate facture\tMontant TTC\r\nF1\tC1\t31/01/2026\t12,50\r\n"
    table, rows = rows_of(text.encode("utf-16"))
    assert table.detected["encoding"] == "UTF-16"
    assert rows[0].values["amount"] == Decimal("12.50")


CUSTOMERS = (
    "Code client;Raison sociale;Ville\n"
    "C-1;Béton Express;Saint-Étienne\n"
    "C-2;Garage Müller & Fils;Besançon\n"
    "C-3;Société Générale d'Électricité;Orléans\n"
)


@pytest.mark.parametrize(
    ("codec", "label"),
    [
        ("cp1252", "Windows-1252"),
        ("latin-1", "Windows-1252"),  # the same letters, the same bytes
        ("cp850", "DOS code page 850"),  # an old ERP's export
        ("mac_roman", "Mac Roman"),
    ],
)
def test_a_european_single_byte_encoding_is_told_apart(codec, label):
    table, rows = rows_of(CUSTOMERS.encode(codec), Kind.CUSTOMERS)
    assert table.detected["encoding"] == label
    assert [row.values["name"] for row in rows] == [
        "Béton Express",
        "Garage Müller & Fils",
        "Société Générale d'Électricité",
    ]
    assert rows[0].values["city"] == "Saint-Étienne"


def test_a_euro_sign_on_every_row_stays_windows_1252():
    # Left to itself, charset-normalizer reads 0x80 after each amount as DOS 850's 'Ç'.
    rows = "".join(f"FA-{n};C-{n % 7};05/01/2026;04/02/2026;{n},50 €\n" for n in range(2000))
    data = ("N° facture;Code client;Date facture;Échéance;Montant TTC\n" + rows).encode("cp1252")
    table, rows_read = rows_of(data)
    assert table.detected["encoding"] == "Windows-1252"
    assert rows_read[-1].values["amount"] == Decimal("1999.50")


def test_accents_far_from_the_start_of_a_large_file_are_judged_where_they_are():
    header, *accented = CUSTOMERS.splitlines(keepends=True)
    filler = "".join(f"C-{n};Client {n};Lyon\n" for n in range(10, 30_000))  # ~700 KB
    table, rows = rows_of((header + filler + "".join(accented)).encode("cp850"), Kind.CUSTOMERS)
    assert table.detected["encoding"] == "DOS code page 850"
    assert rows[-1].values["name"] == "Société Générale d'Électricité"


def test_a_file_mixing_utf8_and_windows_1252_lines_is_refused_naming_the_line():
    lines = CUSTOMERS.splitlines(keepends=True)
    data = (
        lines[0].encode()
        + lines[1].encode("utf-8")
        + lines[2].encode("cp1252")  # pasted from another export
        + lines[3].encode("utf-8")
    )
    with pytest.raises(BadInput) as refused:
        rows_of(data, Kind.CUSTOMERS)
    assert str(refused.value) == (
        "the file mixes UTF-8 and another encoding (byte 0xFC on line 3 is not UTF-8): save it "
        "from Excel as 'CSV UTF-8' and import it again"
    )


def test_a_few_accents_and_euro_signs_read_as_windows_1252_not_dos_850():
    """'N° facture;Échéance' and a '€' after each amount: a statistical guess called this DOS
    850 (the euro read as 'Ç'); what the letters and symbols become decides."""
    text = "N° facture;Code client;Date facture;Échéance;Montant TTC\r\n" + "".join(
        f"FA{n:08d};C{n:06d};01/01/2025;31/01/2025;{n},50 €\r\n" for n in range(1, 21)
    )
    table, rows = rows_of(text.encode("cp1252"))
    assert table.detected["encoding"] == "Windows-1252"
    assert [row.values["amount"] for row in rows[:2]] == [Decimal("1.50"), Decimal("2.50")]
    assert not any(row.problems for row in rows)
