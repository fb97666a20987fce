"""Real ledgers on day one: in an empty database the first CSV, XLSX, FEC or Factur-X import
creates the legal entity (MAIN, or the Factur-X seller) with its rows and says so; when
entities exist, the rules of every day apply."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from encaisse.core.errors import BadInput
from encaisse.imports.facturx.reader import read_facturx_xml
from encaisse.imports.facturx.service import import_facturx
from encaisse.imports.fec.service import import_fec
from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.services import resolve_entity
from encaisse.imports.tests.conftest import run
from encaisse.imports.tests.facturx_samples import SELLER_SIREN, cii_xml, facturx_pdf
from encaisse.imports.tests.fec_samples import SAGE_LINES, sage_fec_bytes
from encaisse.ledger.models import Customer, Invoice, LegalEntity
from encaisse.ledger.tests.factories import LegalEntityFactory

CUSTOMERS = "Code client;Raison sociale\nC-1;Béton Express\nC-2;Garage Müller\n"
SELLER_IBAN = "FR7630006000011234567890189"
RENAME = "encaisse entity set MAIN --code CODE"


def test_the_first_csv_import_creates_the_legal_entity_and_says_so(db, write_file):
    result = run("customers", write_file("clients.csv", CUSTOMERS))
    assert result.ok, result.message
    entity = LegalEntity.objects.get()
    assert (entity.code, entity.name, entity.currency) == ("MAIN", "My company", "EUR")
    assert set(Customer.objects.values_list("entity__code", flat=True)) == {"MAIN"}
    assert ImportRun.objects.get().entity == entity
    [note] = [note for note in result.notes if "legal entity" in note]
    assert note.startswith("there was no legal entity yet: MAIN (My company) was created")
    assert RENAME in note
    assert "Company page" in note
    again = run("customers", write_file("clients.csv", CUSTOMERS))
    assert (again.ok, again.unchanged, LegalEntity.objects.count()) == (True, 2, 1)
    assert not any("legal entity" in note for note in again.notes)


def test_the_command_prints_the_note_on_the_new_entity(db, write_file):
    out = StringIO()
    call_command("import", "customers", str(write_file("clients.csv", CUSTOMERS)), stdout=out)
    assert "Note: there was no legal entity yet: MAIN (My company) was created" in out.getvalue()


def test_a_first_import_that_fails_creates_no_entity(db, write_file):
    result = run(
        "invoices", write_file("factures.csv", "number;customer;date;amount\nF1;NOBODY;x;1\n")
    )
    assert result.status == ImportStatus.FAILED
    assert LegalEntity.objects.count() == 0
    assert ImportRun.objects.get().entity is None


def test_the_first_fec_import_creates_the_legal_entity(db, write_file):
    sales_only = [line for line in SAGE_LINES if line[0] != "BQ1"]
    result = import_fec(path=write_file("552100554FEC20261231.txt", sage_fec_bytes(sales_only)))
    assert result.ok, result.message
    entity = LegalEntity.objects.get()
    assert (entity.code, entity.name) == ("MAIN", "My company")
    assert Invoice.objects.filter(entity=entity).count() == 4
    assert any(note.startswith("there was no legal entity yet: MAIN") for note in result.notes)


def test_when_entities_exist_an_import_keeps_todays_rules(db, write_file):
    LegalEntityFactory()
    LegalEntityFactory(code="ARV", name="Arve Logistique")
    result = run("customers", write_file("clients.csv", CUSTOMERS))
    assert result.message == "--entity: there are several legal entities (ARV, TRL): choose one"
    assert LegalEntity.objects.count() == 2


def test_a_named_entity_is_created_only_with_create_missing_and_a_valid_code(db, write_file):
    path = write_file("clients.csv", CUSTOMERS)
    assert run("customers", path, entity="acme").message.startswith(
        "--entity: no legal entity 'acme' (known: none yet"
    )
    bad = run("customers", path, entity="my co", create_missing=True)
    assert bad.message == (
        "--entity: 'my co' is not a code: up to 30 letters, digits, '-', '_' or '.'"
    )
    created = run("customers", path, entity="acme", create_missing=True)
    assert created.ok
    assert LegalEntity.objects.get().code == "ACME"
    assert any(note.startswith("legal entity ACME created") for note in created.notes)


def test_a_bank_statement_into_an_empty_database_says_how_to_add_the_entity(db):
    with pytest.raises(BadInput) as error:
        resolve_entity(None)  # as bank statements ask: they need a stored entity at once
    assert "encaisse entity add CODE" in str(error.value)
    assert LegalEntity.objects.count() == 0


# -- Factur-X -------------------------------------------------------------------------------


def with_seller_details(xml: bytes, *, iban: str = SELLER_IBAN, bic: str = "") -> bytes:
    """The sample's seller with a street address and the account it is paid into (BT-84;
    BT-86, the BIC, only from the EN 16931 profile up)."""
    text = xml.decode()
    text = text.replace(
        "<ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>"
        "<ram:SpecifiedTaxRegistration>",
        "<ram:PostalTradeAddress><ram:PostcodeCode>69002</ram:PostcodeCode>"
        "<ram:LineOne>12 quai Perrache</ram:LineOne><ram:CityName>Lyon</ram:CityName>"
        "<ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>"
        "<ram:SpecifiedTaxRegistration>",
    ).replace("FR40552100554", "FR96552100554")  # the sample's VAT key is wrong
    means = (
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>"
        "<ram:PayeePartyCreditorFinancialAccount>"
        f"<ram:IBANID>{iban}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"
        + (
            "<ram:PayeeSpecifiedCreditorFinancialInstitution>"
            f"<ram:BICID>{bic}</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>"
            if bic
            else ""
        )
        + "</ram:SpecifiedTradeSettlementPaymentMeans>"
    )
    return text.replace("</ram:InvoiceCurrencyCode>", "</ram:InvoiceCurrencyCode>" + means).encode()


def seller_pdf() -> bytes:
    from facturx import generate_from_binary

    from encaisse.imports.tests.facturx_samples import plain_pdf

    xml = with_seller_details(cii_xml(profile="basic", due_date="20260214"))
    return generate_from_binary(  # type: ignore[no-any-return]
        plain_pdf(), xml, check_xsd=True, level="basic",
        pdf_metadata={"author": "TRL", "keywords": "Factur-X", "title": "F", "subject": "F"},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("iban", "bic", "expected"),
    [
        (SELLER_IBAN, "AGRIFRPP", (SELLER_IBAN, "AGRIFRPP")),
        ("FR76 3000 6000 0112 3456 7890 189", "", (SELLER_IBAN, "")),
        (SELLER_IBAN, "NOT A BIC", (SELLER_IBAN, "")),
        ("FR7630006000011234567890188", "AGRIFRPP", ("", "")),
    ],
)
def test_the_reader_gives_the_payee_account_when_it_is_valid(iban, bic, expected):
    xml = with_seller_details(cii_xml(profile="basic"), iban=iban, bic=bic)
    invoice = read_facturx_xml(xml)
    assert (invoice.payee_iban, invoice.payee_bic) == expected
    assert read_facturx_xml(cii_xml()).payee_iban == ""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_first_facturx_import_makes_the_seller_the_legal_entity(db, media, write_file):
    result = import_facturx(path=write_file("FA-2026-0042.pdf", seller_pdf()))
    assert result.ok, result.message
    entity = LegalEntity.objects.get()
    assert (entity.code, entity.name, entity.siren, entity.vat_number) == (
        "MAIN", "Transports Rhône-Loire", SELLER_SIREN, "FR96552100554",
    )  # fmt: skip
    assert (entity.iban, entity.bic) == (SELLER_IBAN, "")
    assert entity.address == "12 quai Perrache\n69002 Lyon"
    assert Invoice.objects.get().entity == entity
    assert ImportRun.objects.get().entity == entity
    [note] = [note for note in result.notes if "legal entity" in note]
    assert note.startswith(
        "there was no legal entity yet: MAIN (Transports Rhône-Loire, SIREN 552100554, "
        f"VAT number FR96552100554, IBAN {SELLER_IBAN}) was created from the invoice's seller"
    )
    assert RENAME in note
    # The next invoice of the same seller goes to it, checked by its SIREN.
    second = import_facturx(path=write_file("FA-43.pdf", facturx_pdf(number="FA-2026-0043")))
    assert second.ok, second.message
    assert LegalEntity.objects.count() == 1


def test_a_minimum_facturx_gives_the_seller_without_bank_details(db, media, write_file):
    result = import_facturx(path=write_file("FA-2026-0042.pdf", facturx_pdf()))
    assert result.ok, result.message
    entity = LegalEntity.objects.get()
    # The sample's VAT number has a wrong key: the reader leaves it out, as before.
    assert (entity.name, entity.siren, entity.vat_number, entity.iban, entity.address) == (
        "Transports Rhône-Loire", SELLER_SIREN, "", "", "",
    )  # fmt: skip


def test_a_first_facturx_import_that_fails_leaves_no_entity(db, media, write_file, monkeypatch):
    from encaisse.imports.facturx import service as services_facturx

    def refuse(**_kwargs: object) -> None:
        raise BadInput("the PDF cannot be kept")

    monkeypatch.setattr(services_facturx, "record_invoice_document", refuse)
    result = import_facturx(path=write_file("FA-2026-0042.pdf", facturx_pdf()))
    assert (result.status, result.message) == (ImportStatus.FAILED, "the PDF cannot be kept")
    assert (LegalEntity.objects.count(), Invoice.objects.count()) == (0, 0)
    assert ImportRun.objects.get().entity is None


def test_with_an_entity_a_facturx_of_another_seller_is_still_refused(db, media, write_file):
    LegalEntityFactory(siren="732829320")
    result = import_facturx(path=write_file("FA-2026-0042.pdf", facturx_pdf()))
    assert result.status == ImportStatus.FAILED
    assert "is this a supplier's invoice?" in result.message
    assert LegalEntity.objects.count() == 1
