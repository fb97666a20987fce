"""`encaisse entity add|set|list`: the legal entities (the companies that issue the invoices),
a thin adapter over ledger.services and ledger.selectors."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.core.errors import BadInput
from encaisse.ledger.models import LegalEntity
from encaisse.ledger.selectors import legal_entities
from encaisse.ledger.services import (
    InvalidLegalEntity,
    create_legal_entity,
    update_legal_entity,
)

# The service's fields and the options that give them (the code: CODE for add, --code for set).
OPTIONS = {
    "name": "--name",
    "siren": "--siren",
    "vat_number": "--vat",
    "iban": "--iban",
    "bic": "--bic",
    "email": "--email",
    "address": "--address",
}
LABELS = {
    "code": "code",
    "name": "name",
    "siren": "SIREN",
    "vat_number": "VAT number",
    "iban": "IBAN",
    "bic": "BIC",
    "email": "e-mail",
    "address": "address",
}

EPILOG = """examples:
  encaisse entity add TRL --name "Transports Rhône-Loire SAS" --siren 552100554 \\
      --vat FR96552100554 --iban "FR76 3000 6000 0112 3456 7890 189" --bic AGRIFRPP
  encaisse entity set MAIN --code TRL --name "Transports Rhône-Loire SAS"
  encaisse entity set TRL --email relances@example.com --address "12 quai Perrache, 69002 Lyon"
  encaisse entity set TRL --bic ""          (an empty value clears a field)
  encaisse entity list --format json

The code is what `encaisse import --entity CODE` names (stored in capitals). The SIREN, VAT
number, IBAN and BIC are checked and stored without spaces; a French VAT number must be the
one of the SIREN. Bad input writes nothing: one line says which option and why (exit 2).
When there is no legal entity yet, the first import creates one (code MAIN): rename it with
`encaisse entity set MAIN --code CODE --name NAME`."""


def _row(entity: LegalEntity) -> dict[str, Any]:
    return {
        "code": entity.code,
        "name": entity.name,
        "siren": entity.siren,
        "vat_number": entity.vat_number,
        "iban": entity.iban,
        "bic": entity.bic,
        "email": entity.email,
        "address": entity.address,
        "currency": entity.currency,
        "customers": getattr(entity, "customer_count", None),
    }


def as_json(entities: list[LegalEntity]) -> str:
    return json.dumps([_row(entity) for entity in entities], indent=2, ensure_ascii=False) + "\n"


def as_table(entities: list[LegalEntity]) -> str:
    if not entities:
        return (
            "No legal entity yet: add one with `encaisse entity add CODE --name NAME`, or let "
            "the first import create it.\n"
        )
    header = ("code", "name", "SIREN", "VAT number", "IBAN", "BIC", "customers")
    rows = [
        (
            entity.code,
            entity.name,
            entity.siren,
            entity.vat_number,
            entity.iban,
            entity.bic,
            str(getattr(entity, "customer_count", "")),
        )
        for entity in entities
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(width) if i == len(row) - 1 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


class Command(EncaisseCommand):
    help = (
        "The legal entities: the companies of the group that issue the invoices (name, SIREN, "
        "VAT number, bank details and sender e-mail shown on reminders and letters). "
        "add CODE --name NAME records one; set CODE changes the options given; list prints them."
    )

    def help_epilog(self) -> str:
        return EPILOG

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["add", "set", "list"], help="add one, set (change) one, or list them"
        )
        parser.add_argument(
            "code", nargs="?", metavar="CODE", help="add, set: the entity's short code, e.g. TRL"
        )
        parser.add_argument("--code", dest="new_code", metavar="NEW", help="set: a new code")
        parser.add_argument("--name", metavar="NAME", help="the company's legal name")
        parser.add_argument(
            "--siren", metavar="SIREN", help="9 digits (spaces allowed), e.g. 552100554"
        )
        parser.add_argument(
            "--vat",
            dest="vat_number",
            metavar="VAT",
            help="intra-community VAT number, e.g. FR96552100554",
        )
        parser.add_argument("--iban", metavar="IBAN", help="the account customers pay into")
        parser.add_argument("--bic", metavar="BIC", help="the bank's BIC (8 or 11 characters)")
        parser.add_argument(
            "--email", metavar="ADDRESS", help="the sender of reminders and replies"
        )
        parser.add_argument(
            "--address", metavar="TEXT", help="postal address, as printed on letters"
        )
        parser.add_argument(
            "--format",
            choices=["table", "json"],
            help="list: output format (default: table)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        given = {field: options[field] for field in OPTIONS if options[field] is not None}
        if action == "list":
            if options["new_code"] is not None:
                raise BadInput("--code: only with entity set")
            for field in given:
                raise BadInput(f"{OPTIONS[field]}: only with entity add or set")
            if options["code"]:
                raise BadInput("entity list: takes no CODE")
            entities = list(legal_entities())
            render = as_json if options["format"] == "json" else as_table
            self.stdout.write(render(entities), ending="")
            return
        if options["format"]:
            raise BadInput("--format: only with entity list")
        if not options["code"]:
            raise BadInput(f"entity {action}: give the entity's CODE (see --help)")
        if action == "add":
            self._add(options["code"], given, new_code=options["new_code"])
        else:
            self._set(options["code"], given, new_code=options["new_code"])

    def _add(self, code: str, given: dict[str, str], *, new_code: str | None) -> None:
        if new_code is not None:
            raise BadInput("--code: only with entity set (entity add takes the CODE itself)")
        if "name" not in given:
            raise BadInput("--name: give the company's name (entity add CODE --name NAME)")
        try:
            entity = create_legal_entity(code=code, **given)
        except InvalidLegalEntity as error:
            raise BadInput(_options_named(error, code_option="CODE")) from None
        ids = ", ".join(
            f"{LABELS[field]} {getattr(entity, field)}"
            for field in ("siren", "vat_number", "iban")
            if getattr(entity, field)
        )
        self.stdout.write(
            f"Legal entity {entity.code} created: {entity.name}" + (f" ({ids})" if ids else "")
        )

    def _set(self, code: str, given: dict[str, str], *, new_code: str | None) -> None:
        entity = legal_entities().filter(code__iexact=code.strip()).first()
        if entity is None:
            known = ", ".join(legal_entities().values_list("code", flat=True)) or "none yet"
            raise BadInput(f"CODE: no legal entity {code!r} (known: {known})")
        if new_code is None and not given:
            raise BadInput(
                "entity set: nothing to change (give --name, --siren, --vat, --iban, --bic, "
                "--email, --address or --code)"
            )
        changes: dict[str, str] = dict(given)
        if new_code is not None:
            changes["code"] = new_code
        try:
            changed = update_legal_entity(entity=entity, **changes)
        except InvalidLegalEntity as error:
            raise BadInput(_options_named(error, code_option="--code")) from None
        if changed:
            what = ", ".join(LABELS[field] for field in changed)
            self.stdout.write(f"Legal entity {entity.code} updated: {what}.")
        else:
            self.stdout.write(f"Legal entity {entity.code}: nothing changed (same values).")


def _options_named(error: InvalidLegalEntity, *, code_option: str) -> str:
    """The service's "field: why" with the command's options for the fields."""
    names = {**OPTIONS, "code": code_option}
    return "; ".join(f"{names.get(field, field)}: {why}" for field, why in error.errors.items())
