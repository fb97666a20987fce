"""Customers by external id, with their sales rep (by e-mail) and agency (by code): an
unknown rep or agency is reported, or created on request, never silently dropped."""

from __future__ import annotations

from decimal import Decimal

from encaisse.accounts.models import Agency, Role, User
from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.conftest import run
from encaisse.ledger.models import Customer

HEADER = (
    "Code client;Raison sociale;SIREN;Segment;Email commercial;Agence;Encours autorisé;"
    "Délai de paiement\n"
)


def test_customers_are_created_with_rep_agency_and_terms(entity, rep_remi, lyon, write_file):
    data = (
        HEADER + f"C-1;Béton Express;732829320;Grand compte;{rep_remi.email.upper()};lyo;"
        "25 000,00 €;45 jours\n"
    )
    result = run("customers", write_file("clients.csv", data, "cp1252"))
    assert result.ok, result.problems
    customer = Customer.objects.get(external_id="C-1")
    assert (customer.name, customer.siren, customer.segment) == (
        "Béton Express",
        "732829320",
        "key_account",
    )
    assert (customer.sales_rep, customer.agency) == (rep_remi, lyon)
    assert (customer.credit_limit, customer.payment_terms_days) == (Decimal("25000.00"), 45)
    assert customer.entity == entity


def test_an_unknown_rep_or_agency_rejects_the_row_and_says_so(entity, write_file):
    data = HEADER + "C-1;Béton Express;;PME;nouveau.commercial@example.com;NCY;;30\n"
    result = run("customers", write_file("clients.csv", data))
    assert result.status == ImportStatus.FAILED
    assert [str(p) for p in result.problems] == [
        "row 2, column Email commercial: value 'nouveau.commercial@example.com': "
        "unknown sales rep (create the user first, or import with --create-missing)",
        "row 2, column Agence: value 'NCY': "
        "unknown agency (create it first, or import with --create-missing)",
    ]
    assert not Customer.objects.exists()


def test_create_missing_creates_the_rep_without_password_and_the_agency(entity, write_file):
    data = (
        HEADER
        + "C-1;Béton Express;;PME;jean.dupont@example.com;NCY;;30\n"
        + "C-2;Gravier;;PME;Jean.Dupont@example.com;NCY;;30\n"
    )
    result = run("customers", write_file("clients.csv", data), create_missing=True)
    assert result.ok, result.problems
    rep = User.objects.get(email="jean.dupont@example.com")
    assert (rep.role, rep.first_name, rep.last_name, rep.has_usable_password()) == (
        Role.SALES_REP,
        "Jean",
        "Dupont",
        False,
    )
    agency = Agency.objects.get(code="NCY")
    assert set(Customer.objects.values_list("sales_rep", "agency")) == {(rep.pk, agency.pk)}
    assert any("jean.dupont@example.com created" in note for note in result.notes)
    again = run("customers", write_file("clients.csv", data), create_missing=True)
    assert again.unchanged == 2
    assert User.objects.filter(email="jean.dupont@example.com").count() == 1


def test_reimport_is_unchanged_and_a_changed_name_updates(entity, rep_remi, write_file):
    data = HEADER + f"C-1;Béton Express;;PME;{rep_remi.email};;;30\n"
    run("customers", write_file("clients.csv", data))
    assert run("customers", write_file("clients.csv", data)).unchanged == 1
    result = run(
        "customers", write_file("clients2.csv", data.replace("Béton Express", "Béton Express SAS"))
    )
    assert (result.updated, result.unchanged) == (1, 0)
    assert Customer.objects.get(external_id="C-1").name == "Béton Express SAS"


def test_only_the_columns_of_the_file_are_written(entity, rep_remi, lyon, write_file):
    run(
        "customers",
        write_file(
            "full.csv", HEADER + f"C-1;Béton;732829320;Grand compte;{rep_remi.email};LYO;9000;60\n"
        ),
    )
    result = run(
        "customers", write_file("names.csv", "Code client;Raison sociale\nC-1;Béton Express\n")
    )
    assert result.updated == 1
    customer = Customer.objects.get(external_id="C-1")
    assert (customer.name, customer.siren, customer.sales_rep, customer.agency) == (
        "Béton Express",
        "732829320",
        rep_remi,
        lyon,
    )
    assert (customer.segment, customer.payment_terms_days, customer.credit_limit) == (
        "key_account",
        60,
        Decimal("9000.00"),
    )


def test_an_empty_rep_cell_takes_the_rep_off_but_an_empty_segment_keeps_it(
    entity, rep_remi, write_file
):
    run(
        "customers",
        write_file("a.csv", HEADER + f"C-1;Béton;;Grand compte;{rep_remi.email};;;60\n"),
    )
    run("customers", write_file("b.csv", HEADER + "C-1;Béton;;;;;;\n"))
    customer = Customer.objects.get(external_id="C-1")
    assert (customer.sales_rep, customer.segment, customer.payment_terms_days) == (
        None,
        "key_account",
        60,
    )


def test_customers_from_an_excel_workbook(entity, rep_remi, lyon, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append(
        [
            "Code client",
            "Raison sociale",
            "N° SIREN",
            "Commercial",
            "Agence",
            "Encours autorisé",
            "Pays",
        ]
    )
    sheet.append([4101, "Froid du Forez", 552100554, rep_remi.email, "LYO", 15000, "France"])
    sheet.append(["4102", "Gravier & Fils", None, None, None, None, "BE"])
    path = tmp_path / "clients.xlsx"
    workbook.save(path)
    result = run("customers", path)
    assert result.ok, result.problems
    assert result.file_format == {"format": "Excel", "sheet": "Clients"}
    froid = Customer.objects.get(external_id="4101")
    assert (froid.siren, froid.sales_rep, froid.agency, froid.country) == (
        "552100554",
        rep_remi,
        lyon,
        "FR",
    )
    assert froid.credit_limit == Decimal("15000.00")
    assert Customer.objects.get(external_id="4102").country == "BE"


def test_a_country_is_read_by_name_and_an_unknown_one_is_refused_naming_row_and_column(
    entity, write_file
):
    header = "Code client;Raison sociale;Pays\n"
    data = header + "C-1;Kühne;Allemagne\nC-2;Atlantis Corp;Atlantide\nC-3;Big Ben;UK\n"
    result = run("customers", write_file("clients.csv", data))
    assert [str(p) for p in result.problems] == [
        "row 3, column Pays: value 'Atlantide': not a country: give its ISO code (FR, BE, "
        "DE…) or its name in French or English"
    ]
    assert not Customer.objects.exists()
    fixed = data.replace("Atlantide", "États-Unis")
    assert run("customers", write_file("clients.csv", fixed)).ok
    assert dict(Customer.objects.values_list("external_id", "country")) == {
        "C-1": "DE",
        "C-2": "US",
        "C-3": "GB",
    }
