"""A ratings file with bad rows imports nothing and names each row, column and value; with
--partial the good rows go in and the bad ones are set aside with their reason. A file that
is not a ratings file at all gets one line."""

from __future__ import annotations

import io
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.risk.models import CreditRating
from encaisse.risk.tests.ratings_samples import bad_checksum, siren, xlsx_bytes

HEADER = "SIREN;Score;Cotation;Date;Incidents;Source\r\n"


def refused(path, *args: str) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import", "ratings", str(path), *args, stdout=StringIO(), stderr=err)
    return str(error.value), err.getvalue()


def bad_file(rated) -> str:
    return HEADER + (
        f"{rated['remi1'].siren};72;BBB;15/01/2026;0;Altarès\r\n"  # row 2: good
        f"{bad_checksum(rated['remi1'].siren)};60;BB;15/01/2026;0;Altarès\r\n"  # 3
        f"{siren('12345678')};60;BB;15/01/2026;0;Altarès\r\n"  # 4: no customer has it
        f"{rated['paul1'].siren};120;BB;15/01/2026;0;Altarès\r\n"  # 5
        f"{rated['paul1'].siren};60;BB;31/02/2026;0;Altarès\r\n"  # 6
        f"{rated['paul1'].siren};60;BB;15/01/2026;beaucoup;Altarès\r\n"  # 7
    )


def test_one_bad_row_and_nothing_is_imported_each_problem_named(rated, write_file):
    message, problems = refused(write_file("notations.csv", bad_file(rated)))
    assert "nothing was imported: 5 problems in 5 of 6 rows" in message
    assert "--partial" in message
    lines = problems.splitlines()
    wrong = bad_checksum(rated["remi1"].siren)
    assert f"row 3, column SIREN: value '{wrong}': not a valid SIREN" in lines
    assert any(
        line.startswith("row 4, column SIREN: value") and "no customer has this SIREN" in line
        for line in lines
    )
    assert "row 5, column Score: value '120': not between 0 and 100" in lines
    assert any(line.startswith("row 6, column Date: value '31/02/2026'") for line in lines)
    assert "row 7, column Incidents: value 'beaucoup': not a whole number" in lines
    assert not CreditRating.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_partial_imports_the_good_rows_and_sets_the_others_aside(rated, write_file, tmp_path):
    path = write_file("notations.csv", bad_file(rated), "cp1252")
    out = StringIO()
    call_command("import", "ratings", str(path), "--partial", stdout=out, stderr=StringIO())
    assert "1 created, 0 updated, 0 unchanged, 5 rejected" in out.getvalue()
    assert CreditRating.objects.get().customer == rated["remi1"]
    rejects = (tmp_path / "notations.rejects.csv").read_text("cp1252").splitlines()
    assert rejects[0] == "SIREN;Score;Cotation;Date;Incidents;Source;row;reason"
    assert len(rejects) == 6
    assert rejects[3].startswith(f"{rated['paul1'].siren};120;BB;")
    assert rejects[3].endswith(";5;Score: not between 0 and 100")
    # the good row again, from the fixed rejects: nothing twice
    call_command("import", "ratings", str(path), "--partial", stdout=out, stderr=StringIO())
    assert CreditRating.objects.count() == 1


def test_the_same_company_twice_on_one_day_is_refused(rated, write_file):
    row = f"{rated['remi1'].siren};72;BBB;15/01/2026;0;Altarès\r\n"
    _message, problems = refused(write_file("double.csv", HEADER + row + row))
    assert "the same company, source and date are on row 2" in problems


def test_a_row_without_score_or_grade_says_nothing_and_is_refused(rated, write_file):
    _message, problems = refused(
        write_file("vide.csv", HEADER + f"{rated['remi1'].siren};;;15/01/2026;;X\r\n")
    )
    assert "neither a score nor a grade" in problems


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (HEADER.encode(), "the file has a header but no rows"),
        (b"Score;Date\r\n50;15/01/2026\r\n", "column siren: missing required column"),
        (b"%PDF-1.7\n", "PDF"),
    ],
)
def test_a_file_that_is_not_a_ratings_file_gets_one_line(rated, write_file, content, expected):
    message, _problems = refused(write_file("notations.csv", content))
    assert expected in message
    assert not CreditRating.objects.exists()


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(rated, write_file):
    real = xlsx_bytes([["SIREN", "Score", "Date"], [rated["remi1"].siren, 50, "15/01/2026"]])
    swollen = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(real)) as source,
        zipfile.ZipFile(swollen, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/sharedStrings2.xml", b"\0" * (64 * 1024**2))  # 64 MB of zeros
    message, _problems = refused(write_file("bombe.xlsx", swollen.getvalue()))
    assert "would unpack to" in message
    assert "malicious" in message
