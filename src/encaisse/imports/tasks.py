"""Background jobs of the imports: thin adapters over the services (ids as arguments)."""

from __future__ import annotations

from encaisse.core.jobs import job
from encaisse.imports.services import run_import


@job()
def run_import_task(import_run_id: int) -> str:
    """Import an uploaded file (a second delivery finds the run taken and leaves it)."""
    return run_import(import_run_id=import_run_id).status
