"""Factur-X PDFs for the tests: a one-page invoice drawn by WeasyPrint, its CII XML written
by hand (MINIMUM or BASIC profile) and embedded with the factur-x library."""

from __future__ import annotations

from functools import cache

SELLER_SIREN = "552100554"  # a valid SIREN (Luhn)
SELLER_VAT = "FR40552100554"
BUYER_SIREN = "732829320"
BUYER_SIRET = "73282932000074"
BUYER_VAT = "FR44732829320"


def cii_xml(
    *,
    profile: str = "minimum",
    number: str = "FA-2026-0042",
    type_code: str = "380",
    issue_date: str = "20260115",
    due_date: str | None = None,
    total: str = "1440.00",
    currency: str = "EUR",
    seller_siren: str = SELLER_SIREN,
    buyer_name: str = "Boulangerie Lefèvre SARL",
    buyer_id: str | None = None,
    buyer_siret: str | None = BUYER_SIRET,
    buyer_vat: str | None = BUYER_VAT,
    omit: tuple[str, ...] = (),
) -> bytes:
    """A Factur-X CII invoice; ``omit`` leaves out elements (by tag) to make it invalid."""
    basic = profile == "basic"
    guideline = {
        "minimum": "urn:factur-x.eu:1p0:minimum",
        "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    }[profile]
    net = f"{float(total) / 1.2:.2f}"
    tax = f"{float(total) - float(net):.2f}"

    def element(tag: str, text: str, attrs: str = "") -> str:
        return "" if tag in omit else f"<{tag}{attrs}>{text}</{tag}>"

    line = (
        "<ram:IncludedSupplyChainTradeLineItem>"
        "<ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID>"
        "</ram:AssociatedDocumentLineDocument>"
        "<ram:SpecifiedTradeProduct><ram:Name>Transport Lyon-Marseille</ram:Name>"
        "</ram:SpecifiedTradeProduct>"
        "<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>"
        f"<ram:ChargeAmount>{net}</ram:ChargeAmount></ram:NetPriceProductTradePrice>"
        "</ram:SpecifiedLineTradeAgreement>"
        "<ram:SpecifiedLineTradeDelivery>"
        '<ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity>'
        "</ram:SpecifiedLineTradeDelivery>"
        "<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax>"
        "<ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>"
        "<ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
        "<ram:SpecifiedTradeSettlementLineMonetarySummation>"
        f"<ram:LineTotalAmount>{net}</ram:LineTotalAmount>"
        "</ram:SpecifiedTradeSettlementLineMonetarySummation>"
        "</ram:SpecifiedLineTradeSettlement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )
    buyer = (
        (element("ram:ID", buyer_id) if buyer_id and basic else "")
        + element("ram:Name", buyer_name)
        + (
            "<ram:SpecifiedLegalOrganization>"
            f'<ram:ID schemeID="0009">{buyer_siret}</ram:ID></ram:SpecifiedLegalOrganization>'
            if buyer_siret
            else ""
        )
        + (
            "<ram:PostalTradeAddress><ram:PostcodeCode>69003</ram:PostcodeCode>"
            "<ram:LineOne>3 rue des Lilas</ram:LineOne><ram:CityName>Lyon</ram:CityName>"
            "<ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>"
            if basic
            else ""
        )
        + (
            f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{buyer_vat}</ram:ID>'
            "</ram:SpecifiedTaxRegistration>"
            if buyer_vat and basic
            else ""
        )
    )
    settlement = (
        element("ram:InvoiceCurrencyCode", currency)
        + (
            "<ram:ApplicableTradeTax>"
            f"<ram:CalculatedAmount>{tax}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>"
            f"<ram:BasisAmount>{net}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>"
            "<ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
            if basic
            else ""
        )
        + (
            "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>"
            f'<udt:DateTimeString format="102">{due_date}</udt:DateTimeString>'
            "</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>"
            if due_date and basic
            else ""
        )
        + "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        + (f"<ram:LineTotalAmount>{net}</ram:LineTotalAmount>" if basic else "")
        + f"<ram:TaxBasisTotalAmount>{net}</ram:TaxBasisTotalAmount>"
        + f'<ram:TaxTotalAmount currencyID="{currency}">{tax}</ram:TaxTotalAmount>'
        + element("ram:GrandTotalAmount", total)
        + element("ram:DuePayableAmount", total)
        + "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
    )
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<rsm:CrossIndustryInvoice xmlns:qdt="urn:un:unece:uncefact:data:standard:'
        'QualifiedDataType:100" xmlns:ram="urn:un:unece:uncefact:data:standard:'
        'ReusableAggregateBusinessInformationEntity:100" xmlns:rsm="urn:un:unece:uncefact:'
        'data:standard:CrossIndustryInvoice:100" xmlns:udt="urn:un:unece:uncefact:data:'
        'standard:UnqualifiedDataType:100">'
        "<rsm:ExchangedDocumentContext>"
        "<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>A1</ram:ID>"
        "</ram:BusinessProcessSpecifiedDocumentContextParameter>"
        f"<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{guideline}</ram:ID>"
        "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>"
        "<rsm:ExchangedDocument>"
        + element("ram:ID", number)
        + element("ram:TypeCode", type_code)
        + "<ram:IssueDateTime>"
        + f'<udt:DateTimeString format="102">{issue_date}</udt:DateTimeString>'
        + "</ram:IssueDateTime></rsm:ExchangedDocument>"
        "<rsm:SupplyChainTradeTransaction>"
        + (line if basic else "")
        + "<ram:ApplicableHeaderTradeAgreement>"
        "<ram:SellerTradeParty><ram:Name>Transports Rhône-Loire</ram:Name>"
        f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{seller_siren}</ram:ID>'
        "</ram:SpecifiedLegalOrganization>"
        "<ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>"
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{SELLER_VAT}</ram:ID>'
        "</ram:SpecifiedTaxRegistration></ram:SellerTradeParty>"
        f"<ram:BuyerTradeParty>{buyer}</ram:BuyerTradeParty>"
        "</ram:ApplicableHeaderTradeAgreement>"
        "<ram:ApplicableHeaderTradeDelivery/>"
        f"<ram:ApplicableHeaderTradeSettlement>{settlement}</ram:ApplicableHeaderTradeSettlement>"
        "</rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"
    )
    return xml.encode("utf-8")


@cache
def plain_pdf(title: str = "Facture FA-2026-0042") -> bytes:
    """A one-page invoice PDF drawn by WeasyPrint (no XML inside)."""
    from weasyprint import HTML

    html = f"<h1>{title}</h1><p>Transports Rhône-Loire — Boulangerie Lefèvre</p>"
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def facturx_pdf(*, check_xsd: bool = True, **xml_options: object) -> bytes:
    """A Factur-X PDF: the WeasyPrint page with the CII XML embedded."""
    from facturx import generate_from_binary

    xml = cii_xml(**xml_options)  # type: ignore[arg-type]
    # Metadata given: the library would otherwise read it from the XML (an invalid one too).
    metadata = {"author": "Transports Rhône-Loire", "keywords": "Factur-X, Invoice",
                "title": "Facture", "subject": "Facture"}  # fmt: skip
    return generate_from_binary(  # type: ignore[no-any-return]
        plain_pdf(),
        xml,
        check_xsd=check_xsd,
        pdf_metadata=metadata,
        level="minimum" if xml_options.get("profile", "minimum") == "minimum" else "basic",
    )
