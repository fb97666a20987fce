"""The aged balance as JSON, CSV, XLSX and a text table: the same numbers the page shows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from encaisse.core.money import money_str
from encaisse.core.spreadsheets import safe_cell
from encaisse.reporting.selectors import BUCKET_KEYS, AgedBalance, AgedRow


def aged_row_dict(row: AgedRow) -> dict[str, Any]:
    data: dict[str, Any] = {"key": row.key, "label": row.label, "currency": row.currency}
    data.update({key: money_str(row.buckets[key]) for key in BUCKET_KEYS})
    data["unallocated"] = money_str(row.unallocated)
    data["total"] = money_str(row.total)
    data["blocked"] = row.blocked  # a customer's row: true or false; another grouping: null
    return data


def aged_balance_json(report: AgedBalance) -> str:
    payload = {
        "as_of": report.as_of.isoformat(),
        "by": str(report.by),
        "rows": [aged_row_dict(row) for row in report.rows],
        "totals": [aged_row_dict(row) for row in report.totals],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


HEADER = ["key", "label", "currency", *BUCKET_KEYS, "unallocated", "total", "blocked"]


def _blocked_cell(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def _rows_with_totals(report: AgedBalance) -> list[list[str]]:
    lines = []
    for row in [*report.rows, *report.totals]:
        data = aged_row_dict(row)
        lines.append([str(data[column]) for column in HEADER[:-1]] + [_blocked_cell(row.blocked)])
    return lines


def aged_balance_csv(report: AgedBalance) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for line in _rows_with_totals(report):
        writer.writerow([safe_cell(line[0]), safe_cell(line[1]), *line[2:]])
    return buffer.getvalue()


def aged_balance_table(report: AgedBalance) -> str:
    columns = ["label", "currency", *BUCKET_KEYS, "unallocated", "total", "blocked"]
    body = [[safe_cell(line[1])[:40], *line[2:]] for line in _rows_with_totals(report)]
    widths = [
        max(len(columns[i]), *(len(r[i]) for r in body)) if body else len(columns[i])
        for i in range(len(columns))
    ]
    out = [f"Aged balance as of {report.as_of.isoformat()} by {report.by}"]

    def fmt(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        second = cells[1].ljust(widths[1])
        rest = [cell.rjust(widths[i + 2]) for i, cell in enumerate(cells[2:])]
        return "  ".join([first, second, *rest])

    out.append(fmt(columns))
    out.append("  ".join("-" * width for width in widths))
    total_count = len(report.totals)
    for index, cells in enumerate(body):
        if index == len(body) - total_count:
            out.append("  ".join("-" * width for width in widths))
        out.append(fmt(cells))
    return "\n".join(out) + "\n"


def aged_balance_xlsx(report: AgedBalance) -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.create_sheet("Aged balance", 0)
    del workbook[workbook.sheetnames[1]]  # the default empty sheet
    sheet.append([f"Aged balance as of {report.as_of.isoformat()} by {report.by}"])
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in _rows_with_totals(report):
        sheet.append(
            [
                safe_cell(line[0]),
                safe_cell(line[1]),
                line[2],
                *(Decimal(value) for value in line[3:-1]),
                {"true": True, "false": False}.get(line[-1]),
            ]
        )
    for row in sheet.iter_rows(min_row=3, min_col=4, max_col=len(HEADER) - 1):
        for cell in row:
            cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
