"""The imports app's own kinds of file beyond CSV/XLSX: FEC and Factur-X.

Registered in ``file_kinds`` from ImportsConfig.ready(), like the bank statements of the
banking app, so that `encaisse import fec|facturx FILE` and the upload page offer them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from encaisse.imports.file_kinds import FileKind, ImportOptions, register_file_kind

if TYPE_CHECKING:
    from encaisse.accounts.models import User
    from encaisse.imports.models import ImportRun
    from encaisse.imports.services import ImportResult

FEC_HELP = _(
    "the French legal accounting export (Fichier des Écritures Comptables, 18 columns, tab "
    "or | separated): customers from the 411 auxiliary accounts, invoices from their debit "
    "lines, credit notes and payments from their credit lines in sales and bank entries, "
    "allocations from the lettering (EcritureLet); due date = issue date + payment terms"
)
FACTURX_HELP = _(
    "a Factur-X (ZUGFeRD 2) PDF invoice: its embedded XML gives the invoice or credit note, "
    "its buyer (matched by SIRET, SIREN, VAT number, buyer id or name; created if unknown) "
    "and its due date; the PDF is kept and attached to reminders"
)


def _import_run(options: ImportOptions) -> ImportRun | None:
    from encaisse.imports.models import ImportRun

    run_id = options.import_run_id
    return ImportRun.objects.get(pk=run_id) if run_id else None


def run_fec(*, path: Path, user: User | None, options: ImportOptions) -> ImportResult:
    from encaisse.imports.fec.service import import_fec

    return import_fec(
        path=path,
        entity=options.entity,
        partial=options.partial,
        payment_terms_days=options.payment_terms_days,
        rejects_path=options.rejects_path,
        create_missing=options.create_missing,
        user=user,
        import_run=_import_run(options),
        on_progress=options.on_progress,
    )


def run_facturx(*, path: Path, user: User | None, options: ImportOptions) -> ImportResult:
    from encaisse.imports.facturx.service import import_facturx

    return import_facturx(
        path=path,
        entity=options.entity,
        payment_terms_days=options.payment_terms_days,
        user=user,
        import_run=_import_run(options),
    )


def register_import_kinds() -> None:
    register_file_kind(FileKind(name="fec", help=FEC_HELP, run=run_fec, suffixes=(".txt", ".csv")))
    register_file_kind(
        FileKind(name="facturx", help=FACTURX_HELP, run=run_facturx, suffixes=(".pdf",))
    )
