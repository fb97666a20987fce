"""A file that is not a Factur-X invoice, or whose XML lacks what Encaisse needs, is
refused in one line that names the missing field; nothing is written."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.core.errors import BadInput
from encaisse.imports.facturx.reader import read_facturx_xml
from encaisse.imports.facturx.service import import_facturx
from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.facturx_samples import SELLER_SIREN, cii_xml, facturx_pdf, plain_pdf
from encaisse.ledger.models import Customer, Invoice, InvoiceDocument
from encaisse.ledger.tests.factories import LegalEntityFactory


@pytest.fixture
def seller(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return LegalEntityFactory(siren=SELLER_SIREN)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: b"", "the file is empty (0 bytes)"),
        (
            lambda: "N° facture;Montant\n".encode(),
            "not a PDF file (a Factur-X invoice is a PDF with its XML inside)",
        ),
        (lambda: b"%PDF-1.7\n garbage", "the PDF cannot be read"),
        (
            plain_pdf,
            "this PDF has no Factur-X invoice data (no factur-x.xml inside): import the invoice "
            "from a CSV instead, or ask for a Factur-X PDF",
        ),
        (
            lambda: facturx_pdf(check_xsd=False, omit=("ram:ID",)),
            "BT-1 (invoice number) is missing in the Factur-X XML (rsm:ExchangedDocument/ram:ID)",
        ),
        (
            lambda: facturx_pdf(check_xsd=False, omit=("ram:InvoiceCurrencyCode",)),
            "BT-5 (currency) is missing in the Factur-X XML",
        ),
        (
            lambda: facturx_pdf(check_xsd=False, currency="EUX"),
            "BT-5 (currency): value 'EUX': not an ISO 4217 currency code",
        ),
        (
            lambda: facturx_pdf(
                check_xsd=False, omit=("ram:DuePayableAmount", "ram:GrandTotalAmount")
            ),
            "BT-115 (amount due for payment) and BT-112 (invoice total with VAT) are missing",
        ),
        (
            lambda: facturx_pdf(check_xsd=False, type_code="751"),
            "BT-3 (invoice type code): value '751': neither an invoice (380) nor a credit note",
        ),
        (
            lambda: facturx_pdf(check_xsd=False, issue_date="20261345"),
            "BT-2 (issue date): value '20261345': not a date (expected YYYYMMDD)",
        ),
    ],
)
def test_bad_files_are_refused_in_one_line(seller, write_file, content, message):
    result = import_facturx(path=write_file("f.pdf", content()))
    assert result.status == ImportStatus.FAILED
    assert result.message.startswith(message)
    assert not Invoice.objects.exists()
    assert not Customer.objects.exists()
    assert not InvoiceDocument.objects.exists()


def test_the_command_prints_one_line_and_exits_with_status_2(seller, write_file):
    path = write_file("scan.pdf", plain_pdf())
    with pytest.raises(CommandError) as failure:
        call_command("import", "facturx", str(path), stdout=StringIO(), stderr=StringIO())
    assert failure.value.returncode == 2
    assert str(failure.value) == (
        "scan.pdf: this PDF has no Factur-X invoice data (no factur-x.xml inside): import the "
        "invoice from a CSV instead, or ask for a Factur-X PDF"
    )


def test_a_buyer_country_is_an_iso_code_or_the_invoice_is_refused():
    xml = cii_xml(profile="basic")
    assert read_facturx_xml(xml).buyer.country == "FR"
    with pytest.raises(BadInput) as refused:
        read_facturx_xml(xml.replace(b"<ram:CountryID>FR<", b"<ram:CountryID>XX<"))
    assert str(refused.value) == (
        "BT-55 (buyer country code): value 'XX': not a country: give its ISO code (FR, BE, "
        "DE…) or its name in French or English"
    )


@pytest.mark.parametrize(
    ("given", "kept"),
    [("compta@lefevre.fr", "compta@lefevre.fr"), ("compta@lefevre", ""), ("n/a", "")],
)
def test_a_buyer_email_is_kept_only_when_it_is_an_address(given, kept):
    xml = cii_xml(profile="basic")
    buyer_address_end = xml.rindex(b"</ram:PostalTradeAddress>") + len(b"</ram:PostalTradeAddress>")
    uri = (
        b'<ram:URIUniversalCommunication><ram:URIID schemeID="EM">'
        + given.encode()
        + b"</ram:URIID></ram:URIUniversalCommunication>"
    )
    xml = xml[:buyer_address_end] + uri + xml[buyer_address_end:]
    assert read_facturx_xml(xml).buyer.email == kept
