"""The legal entities: the companies that issue the invoices, checked and saved."""

from __future__ import annotations

import hashlib
import io
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum as StdnumInvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siren as fr_siren

from encaisse.core.errors import BadInput
from encaisse.ledger.models import (
    LegalEntity,
)

ENTITY_CODE_MAX = 30
_ENTITY_CODE = re.compile(r"[A-Z0-9][A-Z0-9_.-]*")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}")


class InvalidLegalEntity(BadInput):
    """Legal-entity input refused; ``errors`` maps each field at fault to why.

    Its text is one line, ``field: why`` for each, so a command prints it as it is (after
    naming its own options) and a form puts each reason on its field.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))
        self.errors = dict(errors)


def _quoted(value: str) -> str:
    return f"'{value}'"


def _clean_code(value: str, errors: dict[str, str]) -> str:
    code = value.strip().upper()
    if not code:
        errors["code"] = _("give a short code, e.g. MAIN")
    elif len(code) > ENTITY_CODE_MAX or not _ENTITY_CODE.fullmatch(code):
        errors["code"] = _("%(value)s is not a code: up to 30 letters, digits, '-', '_' or '.'") % {
            "value": _quoted(value.strip())
        }
    return code


def _clean_name(value: str, errors: dict[str, str]) -> str:
    name = " ".join(value.split())
    if not name:
        errors["name"] = _("give the company's name")
    elif len(name) > 200:
        errors["name"] = _("longer than 200 characters")
    return name


def _clean_siren(value: str, errors: dict[str, str]) -> str:
    siren = fr_siren.compact(value) if value.strip() else ""
    if siren and not fr_siren.is_valid(siren):
        errors["siren"] = _("%(value)s is not a valid SIREN (9 digits with a Luhn check)") % {
            "value": _quoted(value.strip())
        }
    return siren


def _clean_vat_number(value: str, errors: dict[str, str]) -> str:
    vat = eu_vat.compact(value) if value.strip() else ""
    if vat and (len(vat) > 20 or not eu_vat.is_valid(vat)):
        errors["vat_number"] = _(
            "%(value)s is not a valid EU VAT number (country code, then the number, "
            "e.g. FR96552100554)"
        ) % {"value": _quoted(value.strip())}
    return vat


def _iban_problem(iban: str) -> str:
    """Why a compact IBAN is not valid ("" when it is)."""
    if not _IBAN_SHAPE.fullmatch(iban):
        return _("country code, 2 check digits, then the account number")
    try:
        std_iban.validate(iban)
    except StdnumInvalidChecksum:
        return _("its check digits are wrong: a character is mistyped or missing")
    except StdnumValidationError:
        return _("not the length or format of an IBAN of %(country)s") % {"country": iban[:2]}
    return ""


def _clean_iban(value: str, errors: dict[str, str]) -> str:
    iban = std_iban.compact(value) if value.strip() else ""
    problem = _iban_problem(iban) if iban else ""
    if problem:
        errors["iban"] = _("%(value)s is not a valid IBAN (%(why)s)") % {
            "value": _quoted(value.strip()),
            "why": problem,
        }
    return iban


def _clean_bic(value: str, errors: dict[str, str]) -> str:
    bic = std_bic.compact(value) if value.strip() else ""
    if bic and not std_bic.is_valid(bic):
        errors["bic"] = _(
            "%(value)s is not a valid BIC (8 or 11 letters and digits: bank, country, "
            "place, branch)"
        ) % {"value": _quoted(value.strip())}
    return bic


def _clean_email(value: str, errors: dict[str, str]) -> str:
    email = value.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("%(value)s is not a valid e-mail address") % {
                "value": _quoted(email)
            }
    return email


def _clean_address(value: str, errors: dict[str, str]) -> str:
    lines = [" ".join(line.split()) for line in value.strip().splitlines()]
    return "\n".join(line for line in lines if line)


_CLEANERS = {
    "code": _clean_code,
    "name": _clean_name,
    "siren": _clean_siren,
    "vat_number": _clean_vat_number,
    "iban": _clean_iban,
    "bic": _clean_bic,
    "email": _clean_email,
    "address": _clean_address,
}


def _check_legal_entity(entity: LegalEntity, given: dict[str, str]) -> list[str]:
    """Clean the ``given`` fields onto ``entity``; the names of the fields that change.

    Raises InvalidLegalEntity naming every field at fault; ``entity`` is left untouched then.
    """
    errors: dict[str, str] = {}
    cleaned = {field: _CLEANERS[field](value, errors) for field, value in given.items()}
    code = cleaned.get("code")
    if code and "code" not in errors:
        taken = LegalEntity.objects.filter(code__iexact=code).exclude(pk=entity.pk).first()
        if taken is not None:
            errors["code"] = _("%(code)s is already the code of %(name)s") % {
                "code": taken.code,
                "name": taken.name,
            }
    siren = cleaned.get("siren", entity.siren)
    vat = cleaned.get("vat_number", entity.vat_number)
    if (
        siren
        and vat.startswith("FR")
        and vat[4:] != siren
        and "siren" not in errors
        and "vat_number" not in errors
    ):
        # A French VAT number is FR, a 2-digit key, then the SIREN: both cannot be right.
        if "vat_number" in cleaned:
            errors["vat_number"] = _("%(vat)s is not the VAT number of SIREN %(siren)s") % {
                "vat": vat,
                "siren": siren,
            }
        else:
            errors["siren"] = _(
                "%(siren)s is not the SIREN in the VAT number %(vat)s (change both at once)"
            ) % {"vat": vat, "siren": siren}
    if errors:
        raise InvalidLegalEntity(errors)
    changed = [field for field, value in cleaned.items() if getattr(entity, field) != value]
    for field in changed:
        setattr(entity, field, cleaned[field])
    return changed


def clean_legal_entity_code(code: str) -> str:
    """A new legal entity's code as it would be stored (capitals), or InvalidLegalEntity."""
    errors: dict[str, str] = {}
    cleaned = _clean_code(code, errors)
    if errors:
        raise InvalidLegalEntity(errors)
    return cleaned


def _save_legal_entity(entity: LegalEntity) -> None:
    try:
        with transaction.atomic():  # a savepoint: the same code saved meanwhile is refused
            entity.save()
    except IntegrityError:
        raise InvalidLegalEntity(
            {"code": _("%(code)s is already taken") % {"code": entity.code}}
        ) from None


@transaction.atomic
def create_legal_entity(
    *,
    code: str,
    name: str,
    siren: str = "",
    vat_number: str = "",
    iban: str = "",
    bic: str = "",
    email: str = "",
    address: str = "",
    currency: str = "EUR",
) -> LegalEntity:
    """Record a legal entity (a company that issues the invoices).

    The code is stored in capitals and must be free (whatever its case); SIREN, VAT number,
    IBAN and BIC are checked (python-stdnum) and stored compact (no spaces, capitals), as
    bank statements give them; a French VAT number must be that of the SIREN. Raises
    InvalidLegalEntity naming every field at fault, and then writes nothing.
    """
    entity = LegalEntity(currency=currency)
    given = {
        "code": code,
        "name": name,
        "siren": siren,
        "vat_number": vat_number,
        "iban": iban,
        "bic": bic,
        "email": email,
        "address": address,
    }
    _check_legal_entity(entity, given)
    _save_legal_entity(entity)
    return entity


@transaction.atomic
def update_legal_entity(
    *,
    entity: LegalEntity,
    code: str | None = None,
    name: str | None = None,
    siren: str | None = None,
    vat_number: str | None = None,
    iban: str | None = None,
    bic: str | None = None,
    email: str | None = None,
    address: str | None = None,
) -> list[str]:
    """Change the given fields of a legal entity (None leaves one as it is, "" clears it;
    the code and the name cannot be cleared); the names of the fields that changed.

    The rules of ``create_legal_entity`` apply; on bad input nothing is written and
    ``entity`` keeps its values.
    """
    given = {
        field: value
        for field, value in (
            ("code", code),
            ("name", name),
            ("siren", siren),
            ("vat_number", vat_number),
            ("iban", iban),
            ("bic", bic),
            ("email", email),
            ("address", address),
        )
        if value is not None
    }
    before = {field: getattr(entity, field) for field in given}
    changed = _check_legal_entity(entity, given)
    if changed:
        try:
            _save_legal_entity(entity)
        except InvalidLegalEntity:
            for field, value in before.items():
                setattr(entity, field, value)
            raise
    return changed


LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000  # pixels; Pillow reads the size from the header, nothing decoded
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


@transaction.atomic
def set_legal_entity_logo(*, entity: LegalEntity, content: bytes | None) -> LegalEntity:
    """Give the entity its logo (PNG or JPEG, up to 1 MiB and 4000 pixels a side), or take it
    away (``content`` None). Anything else is refused (InvalidLegalEntity on ``logo``):
    another format, a file that only claims to be an image, a picture too large to print."""
    if content is None:
        if entity.logo:
            entity.logo.delete(save=False)
        entity.logo = ""  # type: ignore[assignment]
        entity.save(update_fields=["logo"])
        return entity
    if len(content) > LOGO_MAX_BYTES:
        raise InvalidLegalEntity({"logo": _("a logo may weigh up to 1 MiB")})
    from PIL import Image, ImageFile, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidLegalEntity({"logo": _("not a PNG or JPEG picture")}) from None
    if kind not in LOGO_FORMATS:
        raise InvalidLegalEntity({"logo": _("not a PNG or JPEG picture")})
    if max(width, height) > LOGO_MAX_SIDE:
        raise InvalidLegalEntity(
            {"logo": _("a logo may have up to %(count)s pixels a side") % {"count": LOGO_MAX_SIDE}}
        )
    # The picture itself decodes (verify reads only the structure), whole: a library loaded
    # in the process (WeasyPrint) may have told Pillow to accept truncated pictures.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (OSError, SyntaxError, ValueError):
        raise InvalidLegalEntity({"logo": _("not a PNG or JPEG picture")}) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    if entity.logo:
        entity.logo.delete(save=False)
    name = f"{entity.code.lower()}-{hashlib.sha256(content).hexdigest()[:12]}.{LOGO_FORMATS[kind]}"
    entity.logo.save(name, ContentFile(content), save=False)
    entity.save(update_fields=["logo"])
    return entity
