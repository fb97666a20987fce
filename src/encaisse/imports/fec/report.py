"""What a FEC import says: its summary and notes (how the file was numbered, opening
balances, lettering, lines left out), and the file of rejected lines it sets aside."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from encaisse.core.i18n import Text, sentence, sentence_plural
from encaisse.core.spreadsheets import safe_cell
from encaisse.imports.fec.loaders import (
    FecCustomerLoader,
    FecInvoiceLoader,
    FecPaymentLoader,
    Lettering,
)
from encaisse.imports.fec.reader import FecFile
from encaisse.imports.models import ImportRun
from encaisse.imports.rejects import (
    default_rejects_path,
    open_rejects_file,
    rejected_reason,
    rejects_columns,
)
from encaisse.imports.rows import Problem


class FecReport:
    """The report of a FEC import; mixed into the import, which fills what it reads."""

    run: ImportRun
    fec: FecFile
    terms: int
    customers: FecCustomerLoader
    invoices: FecInvoiceLoader
    payments: FecPaymentLoader
    lettering: Lettering
    rejected_lines: int

    def _counts(self) -> Text:
        def counts(loader: Any) -> Text:
            c = loader.counts
            return sentence(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged",
                created=c.created,
                updated=c.updated,
                unchanged=c.unchanged,
            )

        return sentence(
            "customers: %(customers)s; invoices and credit notes: %(invoices)s; payments: "
            "%(payments)s; %(allocations)s from the lettering",
            customers=counts(self.customers),
            invoices=counts(self.invoices),
            payments=counts(self.payments),
            allocations=_allocations(self.lettering.created),
        )

    def _summary(self) -> Text:
        summary = sentence(
            "%(counts)s; %(rejected)s",
            counts=self._counts(),
            rejected=sentence_plural(
                "%(count)s line rejected", "%(count)s lines rejected", self.rejected_lines
            ),
        )
        if self.run.rejects_file:
            return sentence(
                "%(summary)s; rejected lines in %(path)s",
                summary=summary,
                path=str(self.run.rejects_file),
            )
        return summary

    def _notes(self) -> list[Text]:
        stats, notes = self.fec.stats, list[Text]()
        notes.append(self._counts())
        notes.append(
            sentence(
                "%(lines)s read, %(customer_lines)s on customer accounts (411...); the other "
                "lines are not needed for collection",
                lines=lines_said(stats.lines),
                customer_lines=stats.customer_lines,
            )
        )
        notes.extend(self._numbering_notes())
        computed = self.invoices.due_dates_computed
        if computed:
            values = {"count": computed, "days": self.terms}
            notes.append(
                sentence_plural(
                    "%(count)s new invoice or credit note has no EcheanceDate: it is due after "
                    "its customer's payment terms (issue date + %(days)s days for the customers "
                    "this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    "%(count)s new invoices and credit notes have no EcheanceDate: they are due "
                    "after their customer's payment terms (issue date + %(days)s days for the "
                    "customers this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    computed,
                    **values,
                )
                if self.fec.has_due_dates
                else sentence_plural(
                    "a FEC has no due dates: the %(count)s new invoice or credit note is due "
                    "after its customer's payment terms (issue date + %(days)s days for the "
                    "customers this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    "a FEC has no due dates: the %(count)s new invoices and credit notes are due "
                    "after their customer's payment terms (issue date + %(days)s days for the "
                    "customers this import creates; set it with --payment-terms-days or "
                    "ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); invoices already stored keep their due "
                    "date",
                    computed,
                    **values,
                )
            )
        lettering = self.lettering
        if lettering.groups:
            letters = sentence_plural("%(count)s letter", "%(count)s letters", lettering.groups)
            notes.append(
                sentence(
                    "lettering: %(letters)s read, %(partial)s of them partial (what they leave "
                    "stays open); %(allocations)s made",
                    letters=letters,
                    partial=lettering.partial_groups,
                    allocations=_allocations(lettering.created),
                )
                if lettering.partial_groups
                else sentence(
                    "lettering: %(letters)s read; %(allocations)s made",
                    letters=letters,
                    allocations=_allocations(lettering.created),
                )
            )
        if lettering.skipped_currency:
            notes.append(
                sentence_plural(
                    "lettering: %(count)s pair in different currencies left unallocated",
                    "lettering: %(count)s pairs in different currencies left unallocated",
                    lettering.skipped_currency,
                )
            )
        invoices = self.invoices
        if invoices.openings_left_out:
            notes.append(
                sentence_plural(
                    "%(count)s opening balance (à-nouveaux) left out: the year before is in "
                    "Encaisse in detail, so the debt is not counted twice",
                    "%(count)s opening balances (à-nouveaux) left out: the year before is in "
                    "Encaisse in detail, so the debt is not counted twice",
                    invoices.openings_left_out,
                )
            )
        brought = stats.opening_lines - invoices.openings_left_out - invoices.openings_known
        if brought > 0:
            notes.append(
                sentence_plural(
                    "%(count)s opening balance (à-nouveaux) brought forward as a document of "
                    "its own: import the year before first to have it in detail",
                    "%(count)s opening balances (à-nouveaux) brought forward as documents of "
                    "their own: import the year before first to have them in detail",
                    brought,
                )
            )
        if stats.other_credit_lines:
            notes.append(
                sentence_plural(
                    "%(count)s credit line on customer accounts in entries that are neither "
                    "sales nor bank (write-offs, transfers) left out",
                    "%(count)s credit lines on customer accounts in entries that are neither "
                    "sales nor bank (write-offs, transfers) left out",
                    stats.other_credit_lines,
                )
            )
        if stats.zero_lines:
            notes.append(
                sentence_plural(
                    "%(count)s customer line of zero amount left out",
                    "%(count)s customer lines of zero amount left out",
                    stats.zero_lines,
                )
            )
        if stats.foreign_currency_lines:
            notes.append(
                sentence_plural(
                    "%(count)s line in a foreign currency imported with their amount in that "
                    "currency (Montantdevise, Idevise)",
                    "%(count)s lines in a foreign currency imported with their amount in that "
                    "currency (Montantdevise, Idevise)",
                    stats.foreign_currency_lines,
                )
            )
        for loader in (self.customers, self.invoices, self.payments):
            notes.extend(note for note in loader.notes if note not in notes)
        return notes

    def _numbering_notes(self) -> list[Text]:
        """Once each: documents numbered by their entry, invoices read in several parts."""
        stats, notes = self.fec.stats, list[Text]()
        by_entry = stats.numbered_by_entry + self.invoices.numbered_by_entry
        if by_entry:
            reasons: list[Text] = []
            if stats.numbered_by_entry:
                reasons.append(
                    sentence("names no document (such as %(piece)s)", piece=repr(stats.placeholder))
                    if stats.placeholder
                    else sentence("is empty")
                )
            if self.invoices.numbered_by_entry:
                reasons.append(sentence("numbers a document of another entry"))
            reason = reasons[0]
            if len(reasons) > 1:
                reason = sentence("%(first)s or %(second)s", first=reasons[0], second=reasons[1])
            notes.append(
                sentence_plural(
                    "%(count)s invoice or credit note numbered by their entry, "
                    "JournalCode-EcritureNum (such as %(example)s): their PieceRef %(reason)s",
                    "%(count)s invoices and credit notes numbered by their entry, "
                    "JournalCode-EcritureNum (such as %(example)s): their PieceRef %(reason)s",
                    by_entry,
                    example=stats.by_entry_example or self.invoices.by_entry_example,
                    reason=reason,
                )
            )
        if stats.split_documents:
            notes.append(
                sentence_plural(
                    "%(count)s invoice in several customer lines of one entry (instalments) "
                    "imported as %(parts)s parts, each with its own amount, numbered /1, /2... "
                    "in line order (such as %(example)s)",
                    "%(count)s invoices in several customer lines of one entry (instalments) "
                    "imported as %(parts)s parts, each with its own amount, numbered /1, /2... "
                    "in line order (such as %(example)s)",
                    stats.split_documents,
                    parts=stats.split_parts,
                    example=stats.split_example,
                )
            )
        return notes


def lines_said(count: int) -> Text:
    return sentence_plural("%(count)s line", "%(count)s lines", count)


def _allocations(count: int) -> Text:
    return sentence_plural("%(count)s allocation", "%(count)s allocations", count)


class FecRejects:
    """The rejected lines as the FEC had them, plus the line number and the reason."""

    def __init__(self, fec: FecFile, source: Path, wanted: str) -> None:
        self.fec = fec
        self.path = Path(wanted) if wanted else default_rejects_path(source)
        self.handle: IO[str] | None = None
        self.count = 0

    def write(self, number: int, problems: list[Problem], cells: list[str]) -> None:
        if self.handle is None:
            encoding = "cp1252" if self.fec.detected.get("encoding") == "Windows-1252" else "utf-8"
            self.handle = open_rejects_file(self.path, encoding=encoding)
            columns = [*self.fec.header, *rejects_columns()]
            self.handle.write(self.fec.separator.join(columns) + "\r\n")
        reason = rejected_reason(problems)
        cells = [safe_cell(c).replace(self.fec.separator, " ") for c in cells]
        cells += [""] * (len(self.fec.header) - len(cells))
        self.handle.write(self.fec.separator.join([*cells, str(number), reason]) + "\r\n")
        self.count += 1

    def close(self) -> str:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        return str(self.path) if self.count else ""
