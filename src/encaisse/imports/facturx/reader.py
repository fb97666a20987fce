"""Reading a Factur-X (ZUGFeRD 2) PDF invoice: bytes in, the invoice its XML states out.

Pure: no Django. The ``factur-x`` library finds the CII XML embedded in the PDF; lxml reads
the EN 16931 business terms Encaisse needs (BT-1 number, BT-3 type, BT-2 issue date, BT-9
due date, BT-5 currency, BT-115/BT-112 amounts, the seller and the buyer; BT-84/BT-86, the
account it is paid into, when given). Every profile has them, from MINIMUM up (the due date
from BASIC WL up). A file that is not a PDF, a PDF without Factur-X XML, or XML without a
required term is refused in one line naming it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from lxml import etree
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from encaisse.core.countries import UnknownCountry, country_code
from encaisse.core.emails import is_email_address
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence, text_of
from encaisse.core.money import UnknownCurrency, currency_code

# The library logs a warning for each PDF without XML; Encaisse says so itself, once.
logging.getLogger("factur-x").setLevel(logging.ERROR)

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
XML_FILE_NAMES = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"]
INVOICE_TYPES = frozenset({"380", "384", "386", "389"})  # commercial, corrected, prepayment...
CREDIT_NOTE_TYPES = frozenset({"381", "261", "262", "396"})
MAX_PDF_BYTES = 50 * 1024 * 1024

# The business terms named in messages, as EN 16931 numbers them.
NUMBER = sentence("BT-1 (invoice number)")
ISSUE_DATE = sentence("BT-2 (issue date)")
CURRENCY = sentence("BT-5 (currency)")
DUE_DATE = sentence("BT-9 (payment due date)")
BUYER = sentence("BT-44 (buyer)")
AMOUNT_DUE = sentence("BT-115 (amount due for payment)")


def too_large() -> Text:
    return sentence("the PDF is larger than %(size)s MB", size=MAX_PDF_BYTES // (1024 * 1024))


_DOCUMENT = "rsm:ExchangedDocument"
_AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_TOTALS = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


@dataclass(frozen=True)
class Party:
    """The seller or the buyer, with the identifiers the XML gives."""

    name: str
    party_id: str = ""  # BT-46 for the buyer: its account at the seller's
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    email: str = ""


@dataclass(frozen=True)
class FacturxInvoice:
    number: str
    is_credit_note: bool
    issue_date: dt.date
    due_date: dt.date | None
    amount: Decimal  # what is due, negative for a credit note
    currency: str
    seller: Party
    buyer: Party
    profile: str
    xml_file: str
    # BT-84 and BT-86: the seller's account the invoice is paid into (when given and valid).
    payee_iban: str = ""
    payee_bic: str = ""


def _text(node: etree._Element, path: str) -> str:
    found = node.find(path, NAMESPACES)
    return " ".join((found.text or "").split()) if found is not None else ""


def _required(node: etree._Element, path: str, term: Text) -> str:
    value = _text(node, path)
    if not value:
        raise BadInput(
            sentence("%(term)s is missing in the Factur-X XML (%(path)s)", term=term, path=path)
        )
    return value


def _bad_value(term: Text, value: str, reason: Text) -> BadInput:
    return BadInput(
        sentence("%(term)s: value '%(value)s': %(reason)s", term=term, value=value, reason=reason)
    )


def _date(node: etree._Element, path: str, term: Text, *, required: bool) -> dt.date | None:
    text = _text(node, f"{path}/udt:DateTimeString")
    if not text:
        if required:
            raise BadInput(sentence("%(term)s is missing in the Factur-X XML", term=term))
        return None
    try:
        return dt.datetime.strptime(text[:8], "%Y%m%d").date()  # noqa: DTZ007 (a date)
    except ValueError:
        raise _bad_value(term, text, sentence("not a date (expected YYYYMMDD)")) from None


def _amount(node: etree._Element, path: str, term: Text) -> Decimal | None:
    text = _text(node, path)
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _bad_value(term, text, sentence("not an amount")) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise _bad_value(term, text, sentence("not an amount with at most 2 decimals"))
    return amount.quantize(Decimal("0.01"))


def _party(node: etree._Element | None) -> Party:
    if node is None:
        return Party(name="")
    legal = _text(node, "ram:SpecifiedLegalOrganization/ram:ID").replace(" ", "")
    siren = siret = ""
    if fr_siret.is_valid(legal):
        siret, siren = legal, legal[:9]
    elif fr_siren.is_valid(legal):
        siren = legal
    for global_id in node.findall("ram:GlobalID", NAMESPACES):  # 0009: SIRET, 0002: SIREN
        value = (global_id.text or "").replace(" ", "")
        if not siret and fr_siret.is_valid(value):
            siret, siren = value, value[:9]
        elif not siren and fr_siren.is_valid(value):
            siren = value
    vat_number = ""
    for registration in node.findall("ram:SpecifiedTaxRegistration/ram:ID", NAMESPACES):
        value = (registration.text or "").replace(" ", "").upper()
        if registration.get("schemeID", "VA") == "VA" and eu_vat.is_valid(value):
            vat_number = value
    if not siren and vat_number.startswith("FR") and fr_siren.is_valid(vat_number[-9:]):
        siren = vat_number[-9:]
    address = node.find("ram:PostalTradeAddress", NAMESPACES)
    lines = (
        [_text(address, f"ram:{name}") for name in ("LineOne", "LineTwo", "LineThree")]
        if address is not None
        else []
    )
    email = ""
    uri = node.find("ram:URIUniversalCommunication/ram:URIID", NAMESPACES)
    if uri is not None and uri.get("schemeID", "EM") == "EM":  # optional: kept when valid
        email = (uri.text or "").strip()
        email = email if is_email_address(email) else ""
    return Party(
        name=_text(node, "ram:Name"),
        party_id=_text(node, "ram:ID"),
        siren=siren,
        siret=siret,
        vat_number=vat_number,
        address=", ".join(line for line in lines if line),
        postal_code=_text(address, "ram:PostcodeCode") if address is not None else "",
        city=_text(address, "ram:CityName") if address is not None else "",
        country=(_text(address, "ram:CountryID") if address is not None else "").upper(),
        email=email,
    )


def _payee_account(root: etree._Element) -> tuple[str, str]:
    """(IBAN, BIC) of the first credit transfer means with a valid IBAN, else ("", "")."""
    for means in root.findall(
        f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans", NAMESPACES
    ):
        iban = std_iban.compact(_text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"))
        if iban and std_iban.is_valid(iban):
            bic = std_bic.compact(
                _text(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID")
            )
            return iban, bic if bic and std_bic.is_valid(bic) else ""
    return "", ""


def extract_xml(pdf: bytes) -> tuple[str, bytes]:
    """The name and bytes of the Factur-X XML embedded in a PDF (BadInput otherwise)."""
    if not pdf:
        raise BadInput(sentence("the file is empty (0 bytes)"))
    if not pdf.lstrip()[:5].startswith(b"%PDF"):
        raise BadInput(sentence("not a PDF file (a Factur-X invoice is a PDF with its XML inside)"))
    if len(pdf) > MAX_PDF_BYTES:
        raise BadInput(too_large())
    from facturx import get_xml_from_pdf  # imported late: it loads its XML schemas

    try:
        name, xml = get_xml_from_pdf(
            io.BytesIO(pdf), check_xsd=False, filenames=list(XML_FILE_NAMES)
        )
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise BadInput(
            sentence("the PDF cannot be read (%(error)s)", error=f"{type(error).__name__}: {error}")
        ) from None
    if not name or not xml:
        raise BadInput(
            sentence(
                "this PDF has no Factur-X invoice data (no factur-x.xml inside): import the "
                "invoice from a CSV instead, or ask for a Factur-X PDF"
            )
        )
    return str(name), bytes(xml)


def read_facturx_xml(xml: bytes, *, xml_file: str = "factur-x.xml") -> FacturxInvoice:
    """The invoice stated by a Factur-X CII XML document."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as error:
        raise BadInput(
            sentence("the Factur-X XML cannot be read: %(error)s", error=str(error))
        ) from None
    if root.tag != f"{{{NAMESPACES['rsm']}}}CrossIndustryInvoice":
        raise BadInput(
            sentence(
                "%(file)s is not a Factur-X (CII D16B) invoice: ZUGFeRD 1.0 and Order-X are "
                "not supported",
                file=xml_file,
            )
        )
    number = _required(root, f"{_DOCUMENT}/ram:ID", NUMBER)
    if len(number) > 50:
        raise _bad_value(NUMBER, number[:60], sentence("longer than %(max)s characters", max="50"))
    type_code = _required(root, f"{_DOCUMENT}/ram:TypeCode", sentence("BT-3 (invoice type code)"))
    if type_code not in INVOICE_TYPES | CREDIT_NOTE_TYPES:
        raise _bad_value(
            sentence("BT-3 (invoice type code)"),
            type_code,
            sentence("neither an invoice (380) nor a credit note (381)"),
        )
    issue_date = _date(root, f"{_DOCUMENT}/ram:IssueDateTime", ISSUE_DATE, required=True)
    assert issue_date is not None  # noqa: S101 (required)
    due_date = _date(
        root,
        f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime",
        DUE_DATE,
        required=False,
    )
    currency = _required(root, f"{_SETTLEMENT}/ram:InvoiceCurrencyCode", CURRENCY)
    try:
        currency = currency_code(currency)
    except UnknownCurrency as error:
        raise _bad_value(CURRENCY, currency, text_of(error)) from None
    due = _amount(root, f"{_TOTALS}/ram:DuePayableAmount", AMOUNT_DUE)
    total = _amount(
        root, f"{_TOTALS}/ram:GrandTotalAmount", sentence("BT-112 (invoice total with VAT)")
    )
    amount = due if due is not None else total
    if amount is None:
        raise BadInput(
            sentence(
                "BT-115 (amount due for payment) and BT-112 (invoice total with VAT) are "
                "missing in the Factur-X XML"
            )
        )
    if type_code in CREDIT_NOTE_TYPES:
        amount = -abs(amount)
    seller = _party(root.find(f"{_AGREEMENT}/ram:SellerTradeParty", NAMESPACES))
    buyer = _party(root.find(f"{_AGREEMENT}/ram:BuyerTradeParty", NAMESPACES))
    if not buyer.name and not (buyer.siren or buyer.vat_number or buyer.party_id):
        raise BadInput(sentence("BT-44 (buyer name) is missing in the Factur-X XML"))
    if buyer.country:
        try:
            buyer = replace(buyer, country=country_code(buyer.country))
        except UnknownCountry as error:
            raise _bad_value(
                sentence("BT-55 (buyer country code)"), buyer.country, text_of(error)
            ) from None
    if due_date is not None and due_date < issue_date:
        raise _bad_value(
            DUE_DATE,
            f"{due_date:%Y%m%d}",
            sentence("before the issue date %(date)s", date=f"{issue_date:%Y%m%d}"),
        )
    profile = _text(
        root,
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    )
    payee_iban, payee_bic = _payee_account(root)
    return FacturxInvoice(
        number=number,
        is_credit_note=amount < 0,
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        currency=currency,
        seller=seller,
        buyer=buyer,
        profile=profile.rsplit(":", 1)[-1] if profile else "",
        xml_file=xml_file,
        payee_iban=payee_iban,
        payee_bic=payee_bic,
    )


def read_facturx_pdf(pdf: bytes) -> FacturxInvoice:
    """The invoice of a Factur-X PDF (BadInput with one clear line otherwise)."""
    name, xml = extract_xml(pdf)
    return read_facturx_xml(xml, xml_file=name)
