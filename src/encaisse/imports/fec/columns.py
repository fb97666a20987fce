"""The columns of a FEC (article A47 A-1 of the Livre des procédures fiscales): their names,
the separator and quoting, and the two ways of writing an amount."""

from __future__ import annotations

from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.imports.values import normalized

FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
)  # fmt: skip
# The variant of the law: one amount and its direction instead of Debit and Credit.
AMOUNT_BY_SENSE = ("Montant", "Sens")
OPTIONAL_COLUMNS = ("EcheanceDate",)
DEBIT_SENSES = frozenset({"D", "+1", "1", "+", "DEBIT", "DÉBIT"})
CREDIT_SENSES = frozenset({"C", "-1", "-", "CREDIT", "CRÉDIT"})


def unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def separator_of(header: str) -> str:
    counts = {separator: header.count(separator) for separator in ("\t", "|", ";")}
    separator = max(counts, key=lambda s: counts[s])
    if counts[separator] < 10:
        shown = header.strip()[:80]
        raise BadInput(
            sentence(
                "not a FEC file: the first line is not a FEC header of %(count)s columns "
                "separated by tabs or | (it reads %(line)s)",
                count=len(FEC_COLUMNS),
                line=repr(shown),
            )
        )
    return separator


def fec_positions(header: list[str]) -> dict[str, int]:
    """Where each FEC column is; Montant and Sens stand for Debit and Credit when the file
    has them instead, EcheanceDate is read when there."""
    keys = {normalized(text).replace(" ", ""): index for index, text in enumerate(header)}
    positions = {
        name: keys[name.lower()]
        for name in (*FEC_COLUMNS, *AMOUNT_BY_SENSE, *OPTIONAL_COLUMNS)
        if name.lower() in keys
    }
    by_sense = all(name in positions for name in AMOUNT_BY_SENSE) and not (
        "Debit" in positions and "Credit" in positions
    )
    if by_sense:
        positions.pop("Debit", None)
        positions.pop("Credit", None)
    missing = [
        name
        for name in FEC_COLUMNS
        if name not in positions and not (by_sense and name in ("Debit", "Credit"))
    ]
    if missing:
        raise BadInput(
            sentence(
                "not a FEC file: the header has %(count)s columns and lacks %(missing)s (a FEC "
                "has %(expected)s: %(columns)s)",
                count=len(header),
                missing=", ".join(missing[:5]) + ("..." if len(missing) > 5 else ""),
                expected=len(FEC_COLUMNS),
                columns=", ".join(FEC_COLUMNS),
            )
        )
    return positions
