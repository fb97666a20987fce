"""Reading one cell: amounts, dates, SIREN/VAT, segments, e-mails... as finance writes them.

Pure: no database. Each reader takes a cell (text, or a number or date from Excel) and returns
the value or raises ValueProblem with the reason a user reads (a core.i18n Sentence, translated
when it is shown).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal

from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from encaisse.core.countries import UnknownCountry, country_code
from encaisse.core.emails import is_email_address
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence, text_of
from encaisse.core.money import UnknownCurrency, currency_code

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # the ledger's 14 digits with 2 decimals


class ValueProblem(ValueError):
    """A cell that cannot be read; its argument is the reason a user reads (a Sentence)."""


def normalized(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: 'N° de facture' -> 'n de facture'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def cell_text(value: object) -> str:
    """A cell as text (XLSX cells can be numbers or dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_reader(max_length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = " ".join(cell_text(value).split())
        if len(text) > max_length:
            raise ValueProblem(sentence("longer than %(max)s characters", max=str(max_length)))
        return text

    return parse


_AMOUNT_SIGNS = str.maketrans("", "", " \u00a0\u202f\u2009'\u2019€$£")
_CURRENCY_CODES = ("EUR", "USD", "GBP", "CHF")
# A comma or point followed by one or two digits can only be a decimal separator.
_SIMPLE_AMOUNT = re.compile(r"(-?)(\d+)(?:([.,])(\d{1,2}))?")


class MoneyReader:
    """Reads '1 234,56 €', '1,234.56', '-1234.5', '(12,00)', '12,00-' into Decimal('1234.56')."""

    def __init__(self, decimal_separator: str | None, *, default: str = ".") -> None:
        if decimal_separator not in (None, ",", "."):
            raise BadInput(
                sentence(
                    "decimal separator: %(separator)s is neither ',' nor '.'",
                    separator=repr(decimal_separator),
                )
            )
        self.explicit = decimal_separator
        self.decimal_separator = decimal_separator or default

    def __call__(self, value: object) -> Decimal:
        if type(value) is str:  # the fast path: '1 234,56 €', '-1234.5', '100'
            match = _SIMPLE_AMOUNT.fullmatch(value.translate(_AMOUNT_SIGNS))
            if match and len(match[2]) <= 12:
                separator = match[3]
                if separator is None or not self.explicit or separator == self.explicit:
                    return Decimal(f"{match[1]}{match[2]}.{match[4] or '0'}").quantize(CENT)
            return self._checked(self._from_text(value))
        if isinstance(value, Decimal | int):
            return self._checked(Decimal(value))
        if isinstance(value, float):  # an Excel number: binary noise below the cent is rounding
            amount = Decimal(repr(value))
            rounded = amount.quantize(CENT)
            if abs(amount - rounded) < Decimal("0.000001"):
                amount = rounded
            return self._checked(amount)
        return self._checked(self._from_text(cell_text(value)))

    def _from_text(self, raw: str) -> Decimal:
        text = raw.strip()
        negative = False
        if text.startswith("(") and text.endswith(")"):
            negative, text = True, text[1:-1]
        text = text.translate(_AMOUNT_SIGNS)
        sign = text[:1] if text[:1] in ("+", "-") else ""  # '-CHF0.01', as English writes it
        text = text[len(sign) :]
        upper = text.upper()
        for code in _CURRENCY_CODES:
            if upper.endswith(code):
                text = text[: -len(code)]
                break
            if upper.startswith(code):
                text = text[len(code) :]
                break
        text = sign + text
        if text.endswith("-"):  # SAP and some ERPs put the sign after the number
            negative, text = not negative, text[:-1]
        if text[:1] in "+-" and text:
            negative, text = (text[0] == "-") != negative, text[1:]
        number = self._plain_number(text)
        if number is None:
            raise ValueProblem(sentence("not an amount"))
        amount = Decimal(number)
        return -amount if negative else amount

    def _plain_number(self, text: str) -> str | None:
        """'1.234,56' -> '1234.56' given the separators, or None when it is not a number."""
        if not text:
            return None
        comma, dot = text.rfind(","), text.rfind(".")
        if comma >= 0 and dot >= 0:
            decimal = "," if comma > dot else "."
        elif comma >= 0 or dot >= 0:
            separator = "," if comma >= 0 else "."
            head, _, tail = text.rpartition(separator)
            if text.count(separator) > 1:
                decimal = "," if separator == "." else "."  # only thousands separators
            elif len(tail) == 3 and head.isdigit() and len(head) <= 3:
                decimal = self.decimal_separator  # '1,234' or '1.234': the file decides
            else:
                decimal = separator
        else:
            return text if text.isdigit() else None
        if self.explicit and decimal != self.explicit:
            decimal = self.explicit
        thousands = "." if decimal == "," else ","
        whole, _, fraction = text.partition(decimal)
        if decimal in fraction or thousands in fraction:
            return None
        if thousands in whole:
            groups = whole.split(thousands)
            if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
                return None
            whole = "".join(groups)
        if not whole.isdigit() or (fraction and not fraction.isdigit()):
            return None
        return f"{whole}.{fraction}" if fraction else whole

    @staticmethod
    def _checked(amount: Decimal) -> Decimal:
        if not amount.is_finite():
            raise ValueProblem(sentence("not an amount"))
        if amount != amount.quantize(CENT):
            raise ValueProblem(sentence("more than 2 decimals"))
        if abs(amount) > MAX_AMOUNT:
            raise ValueProblem(sentence("too large an amount"))
        return amount.quantize(CENT)


def decimal_votes(values: Iterable[str]) -> str | None:
    """The decimal separator most values of a sample show ('12,50' votes ',')."""
    comma = dot = 0
    for value in values:
        text = value.strip().rstrip("€$£ \u00a0-)").upper().removesuffix("EUR").strip()
        if re.search(r",\d{1,2}$", text):
            comma += 1
        elif re.search(r"\.\d{1,2}$", text):
            dot += 1
    if comma == dot:
        return None
    return "," if comma > dot else "."


_DATE_FORMS = {
    "yyyy-mm-dd": "%Y-%m-%d",
    "dd/mm/yyyy": "%d/%m/%Y",
    "dd/mm/yy": "%d/%m/%y",
    "dd.mm.yyyy": "%d.%m.%Y",
    "dd-mm-yyyy": "%d-%m-%Y",
    "mm/dd/yyyy": "%m/%d/%Y",
    "yyyymmdd": "%Y%m%d",
}
_DAY_FIRST = re.compile(
    r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def strftime_format(text: str) -> str:
    """A date format from a mapping: 'dd/mm/yyyy' or a strftime form like '%d/%m/%Y'."""
    if "%" in text:
        return text
    form = _DATE_FORMS.get(text.strip().lower())
    if form is None:
        tokens = re.fullmatch(
            r"(yyyy|yy|mm|dd)([/.\-]?)(yyyy|yy|mm|dd)\2(yyyy|yy|mm|dd)", text.lower()
        )
        if tokens is None or {tokens[1][0], tokens[3][0], tokens[4][0]} != {"y", "m", "d"}:
            known = ", ".join(_DATE_FORMS)
            raise BadInput(
                sentence(
                    "date format: %(format)s is not one of %(known)s (or a %(example)s form)",
                    format=repr(text),
                    known=known,
                    example="%d/%m/%Y",
                )
            )
        codes = {"yyyy": "%Y", "yy": "%y", "mm": "%m", "dd": "%d"}
        form = tokens[2].join(codes[tokens[i]] for i in (1, 3, 4))
    return form


class DateReader:
    """Reads ISO dates (2026-01-31, with or without a time), dd/mm/yyyy (also with '.', '-'),
    dd/mm/yy and yyyymmdd; or exactly the mapping's format. Remembers the forms it met."""

    def __init__(self, date_format: str | None = None) -> None:
        self.date_format = strftime_format(date_format) if date_format else None
        self.forms_seen: set[str] = set()
        self._cache: dict[str, dt.date] = {}

    def __call__(self, value: object) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value).strip()
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        parsed = self._parse(text)
        if len(self._cache) > 50_000:  # bounded: dates of a ledger repeat a lot
            self._cache.clear()
        self._cache[text] = parsed
        return parsed

    def _parse(self, text: str) -> dt.date:
        try:
            if self.date_format:
                return dt.datetime.strptime(text, self.date_format).date()  # noqa: DTZ007 (a date)
            if match := _ISO.fullmatch(text):
                self.forms_seen.add("yyyy-mm-dd")
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            if match := _DAY_FIRST.fullmatch(text):
                year = int(match[4])
                if len(match[4]) == 2:
                    year += 2000
                self.forms_seen.add("dd/mm/yyyy" if len(match[4]) == 4 else "dd/mm/yy")
                return dt.date(year, int(match[3]), int(match[1]))
            if len(text) == 8 and text.isdigit():
                self.forms_seen.add("yyyymmdd")
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise ValueProblem(sentence("not a valid date (no such day or month)")) from None
        if self.date_format:
            expected = (
                self.date_format.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")
            )
            raise ValueProblem(sentence("not a date (expected %(format)s)", format=expected))
        raise ValueProblem(sentence("not a date (expected dd/mm/yyyy or yyyy-mm-dd)"))


_YES = {"yes", "y", "true", "t", "1", "oui", "o", "x", "vrai"}
_NO = {"no", "n", "false", "f", "0", "non", "faux", ""}


def parse_flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = normalized(cell_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueProblem(sentence("not yes or no (yes/no, true/false, 1/0, oui/non)"))


def parse_days(value: object) -> int:
    text = normalized(cell_text(value))
    match = re.fullmatch(r"(\d{1,4})(?: ?(?:j|jours?|days?|d))?(?: net)?", text)
    if match is None:
        raise ValueProblem(sentence("not a number of days"))
    days = int(match[1])
    if days > 365:
        raise ValueProblem(sentence("more than 365 days"))
    return days


def parse_siren(value: object) -> str:
    number = fr_siren.compact(cell_text(value))
    if len(number) == 14 and fr_siret.is_valid(number):
        raise ValueProblem(sentence("this is a SIRET (14 digits), not a SIREN (9 digits)"))
    if not fr_siren.is_valid(number):
        raise ValueProblem(sentence("not a valid SIREN"))
    return number


def parse_siret(value: object) -> str:
    number = fr_siret.compact(cell_text(value))
    if not fr_siret.is_valid(number):
        raise ValueProblem(sentence("not a valid SIRET"))
    return number


def parse_vat_number(value: object) -> str:
    number = eu_vat.compact(cell_text(value))
    if not eu_vat.is_valid(number):
        raise ValueProblem(sentence("not a valid EU VAT number"))
    return number


SEGMENTS = ("key_account", "sme", "small", "public")
_SEGMENT_WORDS = {
    "key account": "key_account",
    "key accounts": "key_account",
    "grand compte": "key_account",
    "grands comptes": "key_account",
    "gc": "key_account",
    "sme": "sme",
    "pme": "sme",
    "eti": "sme",
    "pme eti": "sme",
    "small": "small",
    "small business": "small",
    "tpe": "small",
    "petite entreprise": "small",
    "tres petite entreprise": "small",
    "public": "public",
    "public sector": "public",
    "secteur public": "public",
    "collectivite": "public",
    "collectivites": "public",
    "administration": "public",
}


def parse_segment(value: object) -> str:
    text = normalized(cell_text(value))
    segment = text.replace(" ", "_") if text.replace(" ", "_") in SEGMENTS else None
    segment = segment or _SEGMENT_WORDS.get(text)
    if segment is None:
        raise ValueProblem(
            sentence("unknown segment (expected one of %(segments)s)", segments=", ".join(SEGMENTS))
        )
    return segment


def parse_email(value: object) -> str:
    text = cell_text(value).strip()
    if not is_email_address(text):
        raise ValueProblem(sentence("not an e-mail address"))
    return text.lower()


def parse_country(value: object) -> str:
    try:
        return country_code(cell_text(value).strip())
    except UnknownCountry as error:
        raise ValueProblem(text_of(error)) from None


_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "euro": "EUR", "euros": "EUR"}


def parse_currency(value: object) -> str:
    text = cell_text(value).strip()
    try:
        return currency_code(_CURRENCY_SIGNS.get(text.lower(), text))
    except UnknownCurrency as error:
        raise ValueProblem(text_of(error)) from None
