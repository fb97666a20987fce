"""Importing a statement twice, or an overlapping one, adds no line and no payment twice."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from encaisse.banking.models import BankLine, BankStatement
from encaisse.banking.tests.conftest import CAMT, entry, import_bank
from encaisse.ledger.models import Allocation, Payment


def test_the_same_file_twice_adds_nothing_and_says_so(ledger):
    first = import_bank(CAMT)
    second = import_bank(CAMT)
    assert second.ok
    assert (second.created, second.unchanged) == (0, 5)
    assert second.notes == [
        f"this statement was already imported (import #{first.run_id}): nothing was added"
    ]
    assert second.message == "nothing added: 5 lines already imported"
    assert (BankLine.objects.count(), Payment.objects.count(), Allocation.objects.count()) == (
        5, 3, 3,
    )  # fmt: skip
    assert BankStatement.objects.count() == 1


def test_an_overlapping_statement_adds_only_its_new_lines(ledger, camt):
    import_bank(camt(entry("780.00", text="FA-2026-0130", reference="A1"), statement_id="S1"))
    result = import_bank(
        camt(
            entry("780.00", text="FA-2026-0130", reference="A1"),
            entry("960.00", name="GARAGE DES QUAIS", reference="A2"),
            statement_id="S1-corrected",
            name="releve-2.xml",
        )
    )
    assert (result.created, result.unchanged) == (1, 1)
    assert BankLine.objects.count() == 2
    assert Payment.objects.count() == 2
    # A third statement bringing no new line is not kept.
    again = import_bank(
        camt(entry("780.00", text="FA-2026-0130", reference="A1"), statement_id="S1-bis")
    )
    assert (again.created, again.unchanged) == (0, 1)
    assert BankStatement.objects.count() == 2


def test_two_equal_transfers_without_a_bank_reference_stay_two_lines(ledger, camt):
    path = camt(entry("50.00", name="X"), entry("50.00", name="X"))
    assert import_bank(path).created == 2
    assert import_bank(path).created == 0


def test_the_command_says_what_it_read_and_that_the_second_import_added_nothing(ledger):
    out = StringIO()
    call_command("import", "bank", str(CAMT), stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Read bnp_camt053_001_02.xml as camt.053.001.02, account "
        "FR7630004000031234567890143, entries 5"
    )
    out = StringIO()
    call_command("import", "bank", str(CAMT), stdout=out)
    text = out.getvalue()
    assert "this statement was already imported" in text
    assert "0 created, 0 updated, 5 unchanged, 0 rejected" in text


def test_a_statement_cannot_be_imported_again_under_another_company(ledger, camt, entity):
    """An account is one company's: naming another entity is refused, nothing is added."""
    from encaisse.banking.models import BankLine
    from encaisse.banking.tests.conftest import entry
    from encaisse.ledger.tests.factories import LegalEntityFactory

    path = camt(entry("780.00", name="MENUISERIE ARNAUD", text="FA-2026-0130"))
    assert import_bank(path).ok
    other = LegalEntityFactory(code="OTH")
    again = import_bank(path, entity=other.code)
    assert not again.ok
    assert f"is {entity.code}'s, not OTH's" in again.message
    assert BankLine.objects.count() == 1
