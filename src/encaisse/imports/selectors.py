"""Reads for the import pages (finance and administrators only: see views)."""

from __future__ import annotations

from django.db.models import QuerySet

from encaisse.imports.models import ImportRun
from encaisse.ledger.models import LegalEntity


def import_runs() -> QuerySet[ImportRun]:
    """Every import, newest first, with who ran it."""
    return ImportRun.objects.select_related("created_by", "entity")


def legal_entity_codes() -> list[tuple[str, str]]:
    """(code, name) of the legal entities an import can target."""
    return list(LegalEntity.objects.order_by("code").values_list("code", "name"))
