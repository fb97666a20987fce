"""The canonical fields of each kind of file, the headers that name them, and mappings.

Pure: no database (the help of each field is translated where it is shown). A column is
found by its canonical name, by a usual (mostly French) header from the synonym table, or by
a mapping (TOML file or --map options).
"""

from __future__ import annotations

import codecs
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.imports.values import normalized, strftime_format


class Kind(StrEnum):
    """What a file holds."""

    CUSTOMERS = "customers"
    INVOICES = "invoices"
    PAYMENTS = "payments"


_HEADER_WORDS = {
    "no": "numero",
    "n": "numero",
    "num": "numero",
    "nr": "numero",
    "nro": "numero",
    "number": "numero",
    "mail": "email",
    "e": "",  # e-mail -> "e mail" -> "email"
    "courriel": "email",
    "tel": "telephone",
    "phone": "telephone",
    "de": "",
    "du": "",
    "d": "",
    "des": "",
    "la": "",
    "le": "",
    "l": "",
    "en": "",
    "eur": "",
    "euro": "",
    "euros": "",
}


def header_key(text: str) -> str:
    """The form under which a column header is compared with the synonym table."""
    words = normalized(text.replace("°", " ").replace("º", " ")).split()
    return " ".join(w for w in (_HEADER_WORDS.get(word, word) for word in words) if w)


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field: its name, how to read it, whether a file must have it, its longest
    text, and the headers (compared by ``header_key``) that mean it, strongest first."""

    name: str
    help: str | Promise  # translated where it is shown
    reader: str  # 'text', 'money', 'date', 'flag' or the name of a value parser
    required: bool = False
    max_length: int = 0
    synonyms: tuple[str, ...] = ()


_CUSTOMER_ID = ("code client", "numero client", "compte client", "code tiers", "compte tiers",
                "identifiant client", "reference client", "ref client", "customer id",
                "customer code", "client id", "client", "compte", "customer")  # fmt: skip
_CURRENCY = ("devise", "monnaie", "code devise")
_LETTERING = ("code lettrage", "lettrage", "let", "lettering", "lettering code")
_LETTERING_HELP = _(
    "the ERP's lettering code: documents of a customer that share it settle each other"
)

# fmt: off
SCHEMAS: dict[str, tuple[FieldSpec, ...]] = {
    Kind.CUSTOMERS: (
        FieldSpec("external_id", _("the customer's account in your ERP (the key)"), "text",
                  True, 50,
                  ("code client", "numero client", "compte client", "code tiers", "compte tiers",
                   "identifiant client", "id client", "reference client", "ref client",
                   "customer id", "customer code", "client id", "account", "compte",
                   "identifiant", "id")),
        FieldSpec("name", _("company name"), "text", True, 200,
                  ("raison sociale", "nom client", "denomination sociale", "denomination",
                   "customer name", "nom", "societe", "client", "company", "customer")),
        FieldSpec("siren", _("SIREN (9 digits, checked)"), "siren", False, 9,
                  ("numero siren", "siren client")),
        FieldSpec("siret", _("SIRET (14 digits, checked)"), "siret", False, 14,
                  ("numero siret",)),
        FieldSpec("vat_number", _("EU VAT number (checked)"), "vat_number", False, 20,
                  ("numero tva intracommunautaire", "tva intracommunautaire", "numero tva intra",
                   "tva intra", "numero tva intracom", "numero tva", "identifiant tva", "vat",
                   "tva")),
        FieldSpec("segment", _("key_account, sme, small or public (or Grand compte, PME, TPE, "
                  "Secteur public)"), "segment", False, 20,
                  ("segment client", "categorie client", "type client", "categorie", "typologie")),
        FieldSpec("sales_rep_email", _("the sales rep's e-mail (an Encaisse user)"), "email",
                  False, 254, ("email commercial", "commercial email", "sales rep", "commercial",
                        "responsable commercial", "representant", "vendeur")),
        FieldSpec("agency_code", _("the agency's code"), "text", False, 30,
                  ("code agence", "agency", "agence")),
        FieldSpec("credit_limit", _("credit limit (amount)"), "money", False, 0,
                  ("encours autorise", "limite credit", "plafond encours", "encours maximum",
                   "encours max", "limite encours", "plafond")),
        FieldSpec("payment_terms_days", _("payment terms in days"), "days", False, 0,
                  ("payment terms", "delai paiement", "delai paiement jours",
                   "conditions paiement", "delai reglement")),
        FieldSpec("address", _("street address"), "text", False, 250, ("adresse", "rue")),
        FieldSpec("postal_code", _("postal code"), "text", False, 20,
                  ("code postal", "cp", "zip")),
        FieldSpec("city", _("city"), "text", False, 100, ("ville", "commune", "localite")),
        FieldSpec("country", _("country (ISO code or name, FR by default)"), "country", False, 2,
                  ("pays", "code pays")),
        FieldSpec("email", _("the customer's accounts-payable e-mail"), "email", False, 254,
                  ("email client", "adresse email", "email comptabilite", "email facturation",
                   "email relance")),
        FieldSpec("phone", _("phone number"), "text", False, 30,
                  ("telephone", "telephone client", "numero telephone")),
    ),
    Kind.INVOICES: (
        FieldSpec("number", _("invoice or credit-note number (the key)"), "text", True, 50,
                  ("numero facture", "invoice numero", "numero piece", "numero document",
                   "reference facture", "ref facture", "facture", "piece", "numero", "invoice")),
        FieldSpec("customer_external_id", _("the customer's account (as in the customer file)"),
                  "text", True, 50, _CUSTOMER_ID),
        FieldSpec("issue_date", _("invoice date"), "date", True, 0,
                  ("date facture", "date emission", "date piece", "invoice date",
                   "date document", "date")),
        FieldSpec("due_date", _("due date (default: issue date + the customer's payment terms)"),
                  "date", False, 0,
                  ("date echeance", "echeance", "date limite paiement", "date limite",
                   "date echeance paiement")),
        FieldSpec("amount", _("amount including tax; negative for a credit note"), "money",
                  True, 0,
                  ("montant ttc", "montant facture ttc", "total ttc", "ttc", "montant facture",
                   "amount incl tax", "net a payer", "montant")),
        FieldSpec("currency", _("currency code (default: the legal entity's)"), "currency", False,
                  3, _CURRENCY),
        FieldSpec("disputed", _("yes/no, true/false, 1/0, oui/non"), "flag", False, 0,
                  ("litige", "litigieux", "contestee", "contestation")),
        FieldSpec("lettering_code", _LETTERING_HELP, "text", False, 30, _LETTERING),
    ),
    Kind.PAYMENTS: (
        FieldSpec("reference", _("payment reference (the key)"), "text", True, 80,
                  ("reference paiement", "reference reglement", "numero reglement",
                   "numero paiement", "payment reference", "reglement", "numero piece", "piece",
                   "reference", "ref")),
        FieldSpec("customer_external_id", _("the customer's account (as in the customer file)"),
                  "text", True, 50, _CUSTOMER_ID),
        FieldSpec("invoice_number", _("the invoice it pays (optional: allocates the payment)"),
                  "text", False, 50,
                  ("numero facture", "facture reglee", "facture lettree", "facture", "invoice")),
        FieldSpec("date", _("payment date"), "date", True, 0,
                  ("date reglement", "date paiement", "date encaissement", "payment date",
                   "date valeur", "date operation", "date")),
        FieldSpec("amount", _("amount received; negative for a refund to the customer"), "money",
                  True, 0,
                  ("montant reglement", "montant regle", "montant paye", "montant encaisse",
                   "montant ttc", "montant")),
        FieldSpec("currency", _("currency code (default: the legal entity's)"), "currency", False,
                  3, _CURRENCY),
        FieldSpec("lettering_code", _LETTERING_HELP, "text", False, 30, _LETTERING),
    ),
}
# fmt: on


def register_schema(name: str, specs: tuple[FieldSpec, ...]) -> None:
    """The fields of a kind of file another app reads with these readers (credit ratings...):
    its columns are then found, mapped (``--map``, TOML) and read like the ledger's."""
    SCHEMAS[name] = specs


KEY_FIELD = {Kind.CUSTOMERS: "external_id", Kind.INVOICES: "number", Kind.PAYMENTS: "reference"}


def fields_help(kind: str) -> str:
    """The canonical fields of a kind, for --help and the upload page."""
    lines = []
    for spec in SCHEMAS[kind]:
        help_text = (
            sentence("%(help)s (required)", help=str(spec.help)) if spec.required else spec.help
        )
        lines.append(f"  {spec.name:<22}{help_text}")
    return "\n".join(lines)


@dataclass(frozen=True)
class FileFormat:
    delimiter: str | None = None
    decimal_separator: str | None = None
    date_format: str | None = None
    encoding: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Mapping:
    """Which column of the file holds which field, and how the file is written."""

    columns: dict[str, str] = field(default_factory=dict)  # field -> column header
    format: FileFormat = FileFormat()

    def with_columns(self, columns: dict[str, str]) -> Mapping:
        return Mapping(columns={**self.columns, **columns}, format=self.format)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: v for k, v in vars(self.format).items() if v is not None}
        data["columns"] = dict(self.columns)
        return data


_MAPPING_KEYS = {
    "delimiter",
    "decimal_separator",
    "date_format",
    "encoding",
    "sheet",
    "columns",
}
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}


def mapping_from_dict(data: dict[str, Any], *, kind: str, origin: str = "mapping") -> Mapping:
    unknown = sorted(set(data) - _MAPPING_KEYS)
    if unknown:
        raise BadInput(
            sentence(
                "%(origin)s: unknown setting %(setting)s (known: %(known)s)",
                origin=origin,
                setting=repr(unknown[0]),
                known=", ".join(sorted(_MAPPING_KEYS)),
            )
        )
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise BadInput(
            sentence(
                '%(origin)s: [columns] maps fields to column names: number = "N° pièce"',
                origin=origin,
            )
        )
    check_fields(columns, kind=kind, origin=origin)
    text_settings = {key: data.get(key) for key in _MAPPING_KEYS - {"columns"}}
    for key, value in text_settings.items():
        if value is not None and not isinstance(value, str):
            raise BadInput(
                sentence(
                    "%(origin)s: %(setting)s must be text in quotes", origin=origin, setting=key
                )
            )
    delimiter = text_settings["delimiter"]
    if delimiter is not None:
        delimiter = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1:
            raise BadInput(
                sentence("%(origin)s: delimiter must be one character (or 'tab')", origin=origin)
            )
    encoding = text_settings["encoding"]
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise BadInput(
                sentence(
                    "%(origin)s: unknown encoding %(encoding)s",
                    origin=origin,
                    encoding=repr(encoding),
                )
            ) from None
    date_format = text_settings["date_format"]
    if date_format is not None:
        strftime_format(date_format)
    decimal = text_settings["decimal_separator"]
    if decimal is not None and decimal not in (",", "."):
        raise BadInput(sentence("%(origin)s: decimal_separator must be ',' or '.'", origin=origin))
    return Mapping(
        columns=dict(columns),
        format=FileFormat(
            delimiter=delimiter,
            decimal_separator=decimal,
            date_format=date_format,
            encoding=encoding,
            sheet=text_settings["sheet"],
        ),
    )


def load_mapping(text: str, *, kind: str, origin: str = "mapping") -> Mapping:
    """A mapping from TOML text (see docs/imports.md)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadInput(
            sentence("%(origin)s: not valid TOML: %(error)s", origin=origin, error=str(error))
        ) from None
    return mapping_from_dict(data, kind=kind, origin=origin)


def check_fields(columns: dict[str, str], *, kind: str, origin: str) -> None:
    known = [spec.name for spec in SCHEMAS[kind]]
    for name in columns:
        if name not in known:
            raise BadInput(
                sentence(
                    "%(origin)s: %(name)s is not a field of %(kind)s (%(fields)s)",
                    origin=origin,
                    name=repr(name),
                    kind=str(kind),
                    fields=", ".join(known),
                )
            )


def parse_column_options(items: Iterable[str], *, kind: str) -> dict[str, str]:
    """--map FIELD=COLUMN options as a field -> column dictionary."""
    columns = {}
    for item in items:
        name, equals, column = item.partition("=")
        if not equals or not name.strip() or not column.strip():
            raise BadInput(
                sentence(
                    "--map: %(item)s is not FIELD=COLUMN (e.g. number='N° pièce')",
                    item=repr(item),
                )
            )
        columns[name.strip()] = column.strip()
    check_fields(columns, kind=kind, origin="--map")
    return columns
