"""What is not certain is never lettered: it waits in finance's queue, debits aside."""

from __future__ import annotations

from encaisse.banking.models import BankLine, LineStatus, MatchMethod
from encaisse.banking.tests.conftest import CAMT, entry, import_bank
from encaisse.ledger.models import Allocation, Payment


def test_two_open_invoices_of_the_same_amount_are_left_to_finance(ledger):
    import_bank(CAMT)
    garage = BankLine.objects.get(bank_reference="0503260001234569")
    assert garage.status == LineStatus.TO_RECONCILE
    assert garage.payment.customer == ledger["C003"]  # found by its exact name
    assert not Allocation.objects.filter(payment=garage.payment).exists()


def test_an_unknown_payer_gets_no_payment_until_reconciled(ledger):
    import_bank(CAMT)
    unknown = BankLine.objects.get(bank_reference="0503260001234570")
    assert (unknown.status, unknown.payment, unknown.counterparty_name) == (
        LineStatus.TO_RECONCILE, None, "M. JEAN DUPONT",
    )  # fmt: skip


def test_a_debit_is_kept_as_an_ignored_line_not_a_payment(ledger):
    import_bank(CAMT)
    debit = BankLine.objects.get(bank_reference="0503260001234571")
    assert (debit.status, debit.match_method, debit.payment) == (
        LineStatus.IGNORED, MatchMethod.DEBIT, None,
    )  # fmt: skip
    assert Payment.objects.count() == 3  # two matched, one for Garage des Quais


def test_a_name_close_but_not_equal_is_only_a_suggestion(ledger, camt):
    import_bank(camt(entry("780.00", name="MENUISERIES ARNAUD ET FILS")))
    line = BankLine.objects.get()
    assert (line.status, line.payment) == (LineStatus.TO_RECONCILE, None)


def test_the_queue_total_never_adds_two_currencies(ledger, camt, client, finance_fanny):
    from encaisse.banking.tests.conftest import entry, import_bank

    dollars = entry("500.00", name="ACME INC").replace('Ccy="EUR"', 'Ccy="USD"')
    import_bank(camt(entry("49.00", name="INCONNU"), dollars))
    client.force_login(finance_fanny)
    summary = client.get("/bank/reconciliation/").content.decode()
    assert "549" not in summary
    assert "€49.00 + $500.00" in summary.replace("\xa0", " ")
