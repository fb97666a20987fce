"""`encaisse entity add|set|list`: a company sets itself up without the Django admin; bad
input is one line naming the option, and nothing is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.ledger.models import LegalEntity
from encaisse.ledger.tests.factories import CustomerFactory, LegalEntityFactory

SIREN = "552100554"
VAT = "FR96552100554"
IBAN = "FR7630006000011234567890189"


def entity_command(*args: str) -> str:
    out = StringIO()
    call_command("entity", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        entity_command(*args)
    assert error.value.returncode == 2
    message = str(error.value)
    assert "\n" not in message
    return message


def stored() -> list[dict[str, object]]:
    return list(LegalEntity.objects.order_by("code").values())


def test_add_records_the_company_with_its_identifiers_stored_compact(db):
    out = entity_command(
        "add", "trl", "--name", "Transports Rhône-Loire SAS", "--siren", "552 100 554",
        "--vat", "fr 96 552 100 554", "--iban", "fr76 3000 6000 0112 3456 7890 189",
        "--bic", "agri fr pp", "--email", "relances@trl.example",
        "--address", "12 quai Perrache\n69002 Lyon",
    )  # fmt: skip
    assert out == (
        "Legal entity TRL created: Transports Rhône-Loire SAS "
        f"(SIREN {SIREN}, VAT number {VAT}, IBAN {IBAN})\n"
    )
    entity = LegalEntity.objects.get()
    assert (entity.code, entity.name, entity.siren, entity.vat_number) == (
        "TRL", "Transports Rhône-Loire SAS", SIREN, VAT,
    )  # fmt: skip
    assert (entity.iban, entity.bic, entity.email) == (IBAN, "AGRIFRPP", "relances@trl.example")
    assert entity.address == "12 quai Perrache\n69002 Lyon"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--siren", "123"], "--siren: '123' is not a valid SIREN (9 digits with a Luhn check)"),
        (["--siren", "552100555"], "--siren: '552100555' is not a valid SIREN"),
        (["--vat", "FR40552100554"], "--vat: 'FR40552100554' is not a valid EU VAT number"),
        (["--vat", "FR44732829320", "--siren", SIREN],
         f"--vat: FR44732829320 is not the VAT number of SIREN {SIREN}"),
        (["--iban", "FR7630006000011234567890188"],
         "--iban: 'FR7630006000011234567890188' is not a valid IBAN"),
        (["--iban", "nope"], "--iban: 'nope' is not a valid IBAN"),
        (["--bic", "AGRI"], "--bic: 'AGRI' is not a valid BIC"),
        (["--email", "relances.trl.example"],
         "--email: 'relances.trl.example' is not a valid e-mail address"),
        (["--name", "   "], "--name: give the company's name"),
        (["--name", "x" * 201], "--name: longer than 200 characters"),
    ],
)  # fmt: skip
def test_a_bad_option_is_refused_in_one_line_and_nothing_is_written(db, options, expected):
    arguments = ["add", "NEW", *(["--name", "New SAS"] if "--name" not in options else [])]
    message = refused(*arguments, *options)
    assert message.startswith(expected), message
    assert stored() == []


def test_every_bad_option_is_named_at_once(db):
    message = refused("add", "NEW", "--name", "New", "--siren", "1", "--email", "x")
    assert message == (
        "--siren: '1' is not a valid SIREN (9 digits with a Luhn check); "
        "--email: 'x' is not a valid e-mail address"
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["add", "TRL", "--name", "Dup"], "CODE: TRL is already the code of Transports"),
        (["add", "trl", "--name", "Dup"], "CODE: TRL is already the code of Transports"),
        (["add", "my company", "--name", "X"], "CODE: 'my company' is not a code"),
        (["add", "X" * 31, "--name", "X"], "CODE: 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' is not"),
        (["add", "NEW", "--siren", SIREN], "--name: give the company's name"),
        (["add", "--name", "X"], "entity add: give the entity's CODE"),
        (["add", "NEW", "--name", "X", "--code", "Y"], "--code: only with entity set"),
        (["add", "NEW", "--name", "X", "--format", "json"], "--format: only with entity list"),
        (["list", "--name", "X"], "--name: only with entity add or set"),
        (["list", "TRL"], "entity list: takes no CODE"),
        (["set", "NOPE", "--name", "X"], "CODE: no legal entity 'NOPE' (known: TRL)"),
        (["set", "TRL"], "entity set: nothing to change"),
        (["set", "TRL", "--name", ""], "--name: give the company's name"),
        (["set", "TRL", "--code", ""], "--code: give a short code"),
        (["set", "TRL", "--siren", "732829320"],
         f"--siren: 732829320 is not the SIREN in the VAT number {VAT}"),
    ],
)  # fmt: skip
def test_a_duplicate_code_or_a_misused_option_changes_nothing(db, arguments, expected):
    LegalEntityFactory(siren=SIREN, vat_number=VAT)
    before = stored()
    message = refused(*arguments)
    assert message.startswith(expected), message
    assert stored() == before


def test_set_changes_only_the_options_given_and_an_empty_value_clears_one(db):
    LegalEntityFactory(siren=SIREN, bic="AGRIFRPP", email="old@trl.example")
    out = entity_command("set", "trl", "--vat", VAT, "--bic", "", "--email", "new@trl.example")
    assert out == "Legal entity TRL updated: VAT number, BIC, e-mail.\n"
    entity = LegalEntity.objects.get()
    assert (entity.name, entity.siren, entity.vat_number, entity.bic, entity.email) == (
        "Transports Rhône-Loire SAS", SIREN, VAT, "", "new@trl.example",
    )  # fmt: skip
    assert entity_command("set", "TRL", "--vat", VAT) == (
        "Legal entity TRL: nothing changed (same values).\n"
    )


def test_set_renames_the_entity_an_import_created(db):
    main = LegalEntityFactory(code="MAIN", name="My company")
    out = entity_command("set", "MAIN", "--code", "trl", "--name", "Transports Rhône-Loire")
    assert out == "Legal entity TRL updated: code, name.\n"
    main.refresh_from_db()
    assert (main.code, main.name) == ("TRL", "Transports Rhône-Loire")


def test_list_prints_a_table_or_json(db):
    entity = LegalEntityFactory(siren=SIREN, iban=IBAN)
    CustomerFactory(entity=entity)
    LegalEntityFactory(code="ARV", name="Arve Logistique")
    table = entity_command("list").splitlines()
    assert table[0].split() == [
        "code",
        "name",
        "SIREN",
        "VAT",
        "number",
        "IBAN",
        "BIC",
        "customers",
    ]
    assert table[1].split() == ["ARV", "Arve", "Logistique", "0"]
    assert table[2].split() == ["TRL", "Transports", "Rhône-Loire", "SAS", SIREN, IBAN, "1"]
    rows = json.loads(entity_command("list", "--format", "json"))
    assert [row["code"] for row in rows] == ["ARV", "TRL"]
    assert rows[1] == {
        "code": "TRL", "name": "Transports Rhône-Loire SAS", "siren": SIREN, "vat_number": "",
        "iban": IBAN, "bic": "", "email": "", "address": "", "currency": "EUR", "customers": 1,
    }  # fmt: skip


def test_list_of_an_empty_ledger_says_how_to_begin(db):
    assert "encaisse entity add CODE --name NAME" in entity_command("list")
    assert entity_command("list", "--format", "json") == "[]\n"


def test_the_encaisse_command_explains_itself_and_exits_2_on_bad_input(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    environment["ENCAISSE_DATA_DIR"] = str(tmp_path)

    def encaisse(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from encaisse.cli import main; main()", *args],
            capture_output=True, text=True, env=environment, timeout=120, check=False,
        )  # fmt: skip

    assert encaisse("migrate", "-v0").returncode == 0
    help_text = encaisse("entity", "--help")
    assert help_text.returncode == 0
    for option in ("--name", "--siren", "--vat", "--iban", "--bic", "--email", "--address"):
        assert option in help_text.stdout
    bad = encaisse("entity", "add", "TRL", "--name", "T", "--siren", "123")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "CommandError: --siren: '123' is not a valid SIREN (9 digits with a Luhn check)"
    ]
    good = encaisse("entity", "add", "TRL", "--name", "Transports", "--siren", SIREN)
    assert (good.returncode, good.stdout) == (
        0, f"Legal entity TRL created: Transports (SIREN {SIREN})\n",
    )  # fmt: skip
    assert encaisse("entity", "list", "--format", "json").stdout.count('"code": "TRL"') == 1
