"""`encaisse import customers|invoices|payments|fec|facturx|... FILE`: a thin adapter over
imports.services and the file kinds registered in imports.file_kinds (FEC, Factur-X, bank)."""
# ruff: noqa: N999  (the module is named after the command, `encaisse import`)

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence, sentence_plural
from encaisse.imports.fields import (
    Kind,
    Mapping,
    fields_help,
    load_mapping,
    parse_column_options,
)
from encaisse.imports.file_kinds import ImportOptions, file_kinds, run_file_kind
from encaisse.imports.report import describe_format
from encaisse.imports.services import ImportResult, import_file

EPILOG = f"""canonical fields (a column named so, or a usual French header such as
"N° facture", "Code client", "Date facture", "Échéance", "Montant TTC", is found without
a mapping; other columns are ignored):

customers (key: external_id)
{fields_help(Kind.CUSTOMERS)}

invoices (key: number; a negative amount is a credit note)
{fields_help(Kind.INVOICES)}

payments (key: reference)
{fields_help(Kind.PAYMENTS)}

mapping file (TOML), every line optional:
  delimiter = ";"                 # ',', ';', 'tab' (default: detected)
  decimal_separator = ","         # ',' or '.' (default: detected)
  date_format = "dd/mm/yyyy"      # or "%d/%m/%Y" (default: ISO and dd/mm/yyyy)
  encoding = "cp1252"             # default: detected (UTF-8, else Windows-1252, DOS 850...)
  sheet = "Factures"              # the sheet of an .xlsx (default: the first)
  [columns]
  number = "Num. pièce"           # field = "the file's column"

Importing the same file twice changes nothing; a changed row updates the record. Without
--partial, one bad row and nothing is written: each problem is listed as
"row N, column X: value 'V': reason" and the exit status is 2. See docs/imports.md."""


def _kinds_epilog() -> str:
    """The kinds other than CSV/XLSX (FEC, Factur-X, bank statements...), as registered."""
    lines = ["other kinds of file:"]
    for name, kind in sorted(file_kinds().items()):
        lines.append(f"  {name:<10}" + "\n            ".join(textwrap.wrap(str(kind.help), 78)))
    for name, kind in sorted(file_kinds().items()):
        if kind.mappable:  # a CSV/XLSX kind: its fields, mapped like the ledger's
            lines.append(f"  {name} fields (--mapping and --map work as for the ledger's files):")
            lines.append(fields_help(name))
    lines.append(
        "  fec and facturx: --payment-terms-days N sets the payment terms of the customers "
        "they create\n  (default 30, or ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS); a FEC has no due "
        "dates: its new\n  invoices are due that long after their issue date (the report "
        "says so)."
    )
    return "\n".join(lines)


class Command(EncaisseCommand):
    help = (
        "Import customers, invoices (and credit notes) or payments from a CSV or Excel (.xlsx) "
        "file into the ledger, by external id, invoice number or payment reference; or a FEC "
        "(accounting entries), a Factur-X PDF invoice or a bank statement."
    )

    def help_epilog(self) -> str:
        return EPILOG + "\n\n" + _kinds_epilog()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=[kind.value for kind in Kind] + sorted(file_kinds()),
            help="what the file holds",
        )
        parser.add_argument(
            "file",
            metavar="FILE",
            help="a .csv (or .txt) or .xlsx file; a FEC text file; a Factur-X .pdf; a statement",
        )
        parser.add_argument(
            "--mapping", metavar="MAPPING.toml", help="column names and file format (TOML)"
        )
        parser.add_argument(
            "--map",
            metavar="FIELD=COLUMN",
            action="append",
            default=[],
            help="the file's column for a field, e.g. --map number='N° pièce' (repeatable; "
            "overrides --mapping)",
        )
        parser.add_argument(
            "--entity", metavar="CODE", help="the legal entity (default: the only one there is)"
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="import the good rows; write the rejected ones to a CSV with a reason column",
        )
        parser.add_argument(
            "--rejects",
            metavar="FILE",
            help="where --partial writes the rejected rows (default: FILE.rejects.csv)",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create the sales reps (by e-mail), agencies and legal entity the file names "
            "but Encaisse does not know yet (default: reject those rows)",
        )
        parser.add_argument(
            "--payment-terms-days",
            metavar="N",
            type=int,
            help="fec, facturx: payment terms (days) of the customers the file creates; a FEC's "
            "new invoices are due that long after their issue date (default: 30)",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="print only the summary line and problems"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rejects"] and not options["partial"]:
            raise BadInput(
                sentence("--rejects: only with --partial (without it nothing is imported)")
            )
        if options["payment_terms_days"] is not None and options["kind"] not in ("fec", "facturx"):
            raise BadInput(
                sentence("--payment-terms-days: not for %(kind)s files", kind=options["kind"])
            )
        if options["kind"] in file_kinds():
            mappable = file_kinds()[options["kind"]].mappable
            if (options["mapping"] or options["map"]) and not mappable:
                raise BadInput(
                    sentence("--mapping/--map: not for %(kind)s files", kind=options["kind"])
                )
            kind_mapping = self._mapping(options["kind"], options["mapping"])
            if options["map"]:
                kind_mapping = kind_mapping.with_columns(
                    parse_column_options(options["map"], kind=options["kind"])
                )
            result = run_file_kind(
                options["kind"],
                path=Path(options["file"]),
                options=ImportOptions(
                    entity=options["entity"],
                    partial=options["partial"],
                    create_missing=options["create_missing"],
                    rejects_path=options["rejects"],
                    payment_terms_days=options["payment_terms_days"],
                    mapping=kind_mapping.as_dict() if mappable else {},
                ),
            )
            self._report(result, quiet=options["quiet"])
            return
        kind = Kind(options["kind"])
        mapping = self._mapping(kind, options["mapping"])
        if options["map"]:
            mapping = mapping.with_columns(parse_column_options(options["map"], kind=kind))
        path = Path(options["file"])
        show_progress = not options["quiet"] and sys.stderr.isatty()
        result = import_file(
            kind=kind,
            path=path,
            entity=options["entity"],
            mapping=mapping,
            partial=options["partial"],
            create_missing=options["create_missing"],
            rejects_path=options["rejects"],
            on_progress=self._show_progress if show_progress else None,
        )
        if show_progress:
            self.stderr.write("\r\033[K", ending="")
        self._report(result, quiet=options["quiet"])

    @staticmethod
    def _mapping(kind: str, mapping_path: str | None) -> Mapping:
        if not mapping_path:
            return Mapping()
        try:
            text = Path(mapping_path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise BadInput(
                sentence("--mapping: no such file %(path)s", path=mapping_path)
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise BadInput(
                sentence(
                    "--mapping: cannot read %(path)s: %(error)s",
                    path=mapping_path,
                    error=str(error),
                )
            ) from None
        return load_mapping(text, kind=kind, origin=f"--mapping {Path(mapping_path).name}")

    def _show_progress(self, done: int, total: int) -> None:
        checked = sentence("%(done)s / ~%(total)s rows checked", done=done, total=total)
        self.stderr.write(f"\r  {checked}", ending="")
        self.stderr.flush()

    def _report(self, result: ImportResult, *, quiet: bool) -> None:
        for problem in result.problems:
            self.stderr.write(str(problem))
        hidden = result.problem_count - len(result.problems)
        if hidden > 0:
            self.stderr.write(
                str(
                    sentence_plural(
                        "... and %(count)s more problem", "... and %(count)s more problems", hidden
                    )
                )
            )
        if not result.ok:
            raise CommandError(f"{result.file_name}: {result.message}", returncode=2)
        if not quiet:
            if result.file_format:
                self.stdout.write(
                    str(
                        sentence(
                            "Read %(file)s as %(format)s",
                            file=result.file_name,
                            format=describe_format(result.file_format),
                        )
                    )
                )
            for note in result.notes:
                self.stdout.write(str(sentence("Note: %(note)s", note=note)))
        self.stdout.write(
            str(
                sentence(
                    "Imported %(kind)s from %(file)s: %(created)s created, %(updated)s updated, "
                    "%(unchanged)s unchanged, %(rejected)s rejected (import #%(run)s)",
                    kind=result.kind,
                    file=result.file_name,
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                    rejected=result.rejected,
                    run=str(result.run_id),
                )
            )
        )
        if result.rejects_file:
            self.stdout.write(
                str(
                    sentence(
                        "Rejected rows, with the reason, written to %(path)s",
                        path=result.rejects_file,
                    )
                )
            )
