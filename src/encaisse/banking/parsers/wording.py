"""What French banks write in a movement's free text, read back into fields.

Société Générale, BNP Paribas, Crédit Agricole and most others word a received transfer
``VIR SEPA RECU /DE BOULANGERIE MARTIN /MOTIF FA-2026-001 /REF E2E-0001`` in MT940 ``:86:``
and OFX ``NAME``/``MEMO``; SWIFT-structured ``:86:`` use ``/NAME/.../REMI/.../EREF/...``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from stdnum import iban as std_iban

from encaisse.core.i18n import sentence

_FRENCH_FIELD = re.compile(
    r"/(?P<key>DE|MOTIF|REF|IBAN|ID EMETTEUR|BEN|REFDO|LIB|NOPT|EMETTEUR|INFO)\s+(?P<value>.*?)"
    r"(?=\s/[A-Z][A-Z ]{1,12}\s|\s/[A-Z][A-Z ]{1,12}$|$)",
    re.DOTALL,
)
_SWIFT_FIELD = re.compile(
    r"/(?P<key>NAME|REMI|EREF|IBAN|BENM|ORDP|KREF|MARF|CSID|SVCL|PURP)/(?P<value>[^/]*)"
)
_SWIFT_REMITTANCE = re.compile(r"/REMI/(?:USTD//|STRD/(?:CUR|ISO)?//)?(?P<value>[^/]*)")
_IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_PREFIXES = (
    "VIREMENT SEPA RECU",
    "VIREMENT INSTANTANE RECU",
    "VIREMENT RECU",
    "VIREMENT DE",
    "VIR SEPA RECU",
    "VIR INST RECU",
    "VIR INST RE",
    "VIR INSTANTANE RECU",
    "VIR RECU",
    "VIR SEPA",
    "VIR DE",
    "VIR",
    "VRT",
)
NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "NULL"})


@dataclass(frozen=True)
class Wording:
    name: str = ""
    remittance: str = ""
    reference: str = ""
    iban: str = ""


def read_wording(text: str) -> Wording:
    """The counterparty's name, the remittance information, the end-to-end reference and
    an IBAN, when the bank's wording names them."""
    flat = " ".join(text.split())
    swift = {match["key"]: match["value"].strip() for match in _SWIFT_FIELD.finditer(flat)}
    if swift.get("NAME") or "REMI" in swift:
        remittance = _SWIFT_REMITTANCE.search(flat)
        return Wording(
            name=swift.get("NAME", ""),
            remittance=remittance["value"].strip() if remittance else "",
            reference=clean_reference(swift.get("EREF", "")),
            iban=find_iban(swift.get("IBAN", "")),
        )
    french = {match["key"]: match["value"].strip() for match in _FRENCH_FIELD.finditer(flat)}
    if french:
        return Wording(
            name=french.get("DE", "") or french.get("EMETTEUR", ""),
            remittance=french.get("MOTIF", "") or french.get("LIB", ""),
            reference=clean_reference(french.get("REF", "")),
            iban=find_iban(french.get("IBAN", "")),
        )
    return Wording()


def strip_transfer_prefix(text: str) -> str:
    """'VIR SEPA RECU BOULANGERIE MARTIN' -> 'BOULANGERIE MARTIN'."""
    flat = " ".join(text.split())
    upper = flat.upper()
    for prefix in _PREFIXES:
        if upper.startswith(prefix + " "):
            return flat[len(prefix) :].strip(" /:-")
    return flat


def clean_reference(value: str) -> str:
    value = " ".join(value.split())
    return "" if value.upper() in NO_REFERENCE else value[:80]


def find_iban(text: str) -> str:
    """The first valid IBAN in ``text``, compact; '' when there is none."""
    for match in _IBAN_CANDIDATE.finditer(text.upper()):
        candidate = std_iban.compact(match.group(0))
        if std_iban.is_valid(candidate):
            return candidate
    return ""


def compact_iban(value: str) -> str:
    """An IBAN without spaces, upper case, when valid; '' otherwise."""
    candidate = std_iban.compact(value or "")
    return candidate if candidate and std_iban.is_valid(candidate) else ""


def french_iban_from_rib(bank: str, branch: str, account: str) -> str:
    """The IBAN of a French RIB (bank code, branch code, account number with or without
    its two-digit key), as OFX files give it; '' when it does not look like one."""
    bank, branch, account = bank.strip(), branch.strip(), account.strip().upper()
    if not (re.fullmatch(r"\d{5}", bank) and re.fullmatch(r"\d{5}", branch)):
        return ""
    if re.fullmatch(r"[0-9A-Z]{11}\d{2}", account):
        account, key = account[:11], account[11:]
    elif re.fullmatch(r"[0-9A-Z]{11}", account):
        key = ""
    else:
        return ""
    digits = "".join(_RIB_LETTERS.get(char, char) for char in account)
    expected = f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(digits)) % 97:02d}"
    if key and key != expected:
        return ""
    bban = f"{bank}{branch}{account}{expected}"
    return compact_iban(f"FR{std_iban.calc_check_digits('FR00' + bban)}{bban}")


# The RIB key reads letters of an account number as digits (A and J are 1, B and K 2...).
_RIB_LETTERS = {
    letter: str(value)
    for letters in ("ABCDEFGHI", "JKLMNOPQR", "_STUVWXYZ")
    for value, letter in enumerate(letters, start=1)
    if letter != "_"
}


def parse_amount(text: str, *, decimal_comma: bool = False) -> Decimal:
    """A non-negative amount as a statement writes it, to the cent. ValueError otherwise."""
    value = text.strip()
    if decimal_comma:
        value = value.replace(",", ".")
    if not re.fullmatch(r"\d{1,15}(\.\d{0,5})?", value):
        raise ValueError(sentence("not an amount (digits and a decimal point expected)"))
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern rules it out
        raise ValueError(sentence("not an amount")) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(sentence("more than two decimals"))
    return amount.quantize(Decimal("0.01"))


def parse_iso_date(text: str) -> dt.date:
    """'2026-03-02' or '2026-03-02T10:15:00+01:00' (the date as written). ValueError otherwise."""
    return dt.date.fromisoformat(text.strip()[:10])
