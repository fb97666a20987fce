"""The company page: finance and administrators list and edit the legal entities with the
command's rules, each refusal shown on its field; anyone else gets a 404."""

from __future__ import annotations

import pytest

from encaisse.ledger.models import LegalEntity
from encaisse.ledger.services import InvalidLegalEntity, update_legal_entity
from encaisse.ledger.tests.factories import LegalEntityFactory

SIREN = "552100554"
VAT = "FR96552100554"
IBAN = "FR7630006000011234567890189"


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "code": "TRL", "name": "Transports Rhône-Loire SAS", "siren": SIREN, "vat_number": "",
        "iban": "", "bic": "", "email": "", "address": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_finance_finds_the_company_page_in_the_finance_menu(client, finance_fanny, entity):
    client.force_login(finance_fanny)
    home = client.get("/").content.decode()
    assert 'href="/customers/company/"' in home
    page = client.get("/customers/company/").content.decode()
    assert "Transports Rhône-Loire SAS" in page
    assert "No SIREN yet" in page
    assert f'href="/customers/company/{entity.pk}/"' in page


def test_finance_edits_an_entity_and_its_iban_is_stored_compact(client, finance_fanny, entity):
    client.force_login(finance_fanny)
    form = client.get(f"/customers/company/{entity.pk}/").content.decode()
    assert 'value="Transports Rhône-Loire SAS"' in form
    response = client.post(
        f"/customers/company/{entity.pk}/",
        form_data(vat_number="fr96552100554", iban="FR76 3000 6000 0112 3456 7890 189",
                  email="relances@trl.example", address="12 quai Perrache\r\n69002 Lyon"),
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/customers/company/"
    entity.refresh_from_db()
    assert (entity.siren, entity.vat_number, entity.iban, entity.email) == (
        SIREN, VAT, IBAN, "relances@trl.example",
    )  # fmt: skip
    assert entity.address == "12 quai Perrache\n69002 Lyon"
    page = client.get("/customers/company/").content.decode()
    assert "Legal entity TRL saved." in page
    assert "FR76 3000 6000 0112 3456 7890 189" in page  # shown in groups of four


def test_a_bad_value_is_shown_on_its_field_and_nothing_is_saved(client, finance_fanny, entity):
    client.force_login(finance_fanny)
    response = client.post(
        f"/customers/company/{entity.pk}/",
        form_data(name="Renamed", siren="123", iban="FR7630006000011234567890188"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="field-error"') == 2
    assert "&#x27;123&#x27; is not a valid SIREN (9 digits with a Luhn check)" in page
    assert "is not a valid IBAN" in page
    assert 'value="Renamed"' in page  # what was typed stays in the form
    entity.refresh_from_db()
    assert (entity.name, entity.siren, entity.iban) == ("Transports Rhône-Loire SAS", "", "")


def test_admin_adds_a_second_entity_and_a_taken_code_is_refused(client, admin_alice, entity):
    client.force_login(admin_alice)
    taken = client.post("/customers/company/new/", form_data(code="trl", siren=""))
    assert "TRL is already the code of Transports Rhône-Loire SAS" in taken.content.decode()
    assert LegalEntity.objects.count() == 1
    created = client.post(
        "/customers/company/new/", form_data(code="arv", name="Arve Logistique", siren="")
    )
    assert created.status_code == 302
    assert list(LegalEntity.objects.values_list("code", flat=True)) == ["ARV", "TRL"]


@pytest.mark.parametrize("visitor", ["rep_remi", "manager_maud", "viewer_victor"])
def test_anyone_but_finance_and_admin_gets_a_404(client, request, visitor, entity):
    client.force_login(request.getfixturevalue(visitor))
    assert client.get("/customers/company/").status_code == 404
    assert client.get("/customers/company/new/").status_code == 404
    assert client.get(f"/customers/company/{entity.pk}/").status_code == 404
    response = client.post(f"/customers/company/{entity.pk}/", form_data(name="Taken over"))
    assert response.status_code == 404
    entity.refresh_from_db()
    assert entity.name == "Transports Rhône-Loire SAS"
    assert 'href="/customers/company/"' not in client.get("/").content.decode()


def test_a_refused_update_leaves_the_entity_as_it_was(db):
    entity = LegalEntityFactory(siren=SIREN, vat_number=VAT)
    with pytest.raises(InvalidLegalEntity) as error:
        update_legal_entity(entity=entity, name="Renamed", siren="732829320")
    assert error.value.errors == {
        "siren": f"732829320 is not the SIREN in the VAT number {VAT} (change both at once)"
    }
    assert (entity.name, entity.siren) == ("Transports Rhône-Loire SAS", SIREN)
    assert update_legal_entity(entity=entity, siren="732829320", vat_number="FR44732829320") == [
        "siren",
        "vat_number",
    ]
