"""An .xlsx is a ZIP: one that would unpack to far more than a spreadsheet holds (a zip bomb)
is refused in one line from the sizes it declares, before anything is unpacked."""

from __future__ import annotations

import io
import zipfile

from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.conftest import run


def workbook_with(extra: bytes) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Code client", "Raison sociale"])
    book.active.append(["C-1", "Béton Express"])
    plain = io.BytesIO()
    book.save(plain)
    swollen = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(swollen, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        if extra:
            bomb.writestr("xl/padding.xml", extra)
    return swollen.getvalue()


def test_a_workbook_that_swells_a_thousand_times_is_refused(db, entity, write_file):
    result = run("customers", write_file("clients.xlsx", workbook_with(b"\0" * 32 * 1024**2)))
    assert result.status == ImportStatus.FAILED
    assert "would unpack to 32 MB" in result.message


def test_an_ordinary_workbook_is_read(db, entity, write_file):
    result = run("customers", write_file("clients.xlsx", workbook_with(b"")))
    assert result.ok, result.message
    assert result.created == 1
