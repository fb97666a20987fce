"""Files as credit agencies send them, and SIRENs that pass the checksum."""

from __future__ import annotations

import io

from stdnum import luhn


def siren(prefix: str) -> str:
    """A valid SIREN from 8 digits."""
    return prefix + luhn.calc_check_digit(prefix)


def siret(siren_number: str, site: str = "0001") -> str:
    """A valid SIRET of that SIREN: 4 digits of the site, then the check digit."""
    body = siren_number + site
    return body + luhn.calc_check_digit(body)


def bad_checksum(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
