"""A transfer the ERP already sent as a payment is linked to it, not recorded again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.banking.models import BankLine, LineStatus, MatchMethod
from encaisse.banking.tests.conftest import entry, import_bank
from encaisse.ledger.models import Payment
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import PaymentFactory


def test_the_same_reference_and_amount_links_the_line_to_the_erps_payment(ledger, camt):
    erp = PaymentFactory(
        customer=ledger["C004"], reference="0503260009999", amount=Decimal("780.00"),
        date=dt.date(2026, 3, 4),
    )  # fmt: skip
    result = import_bank(camt(entry("780.00", name="X", reference="0503260009999")))

    line = BankLine.objects.get()
    assert (line.status, line.match_method, line.payment) == (
        LineStatus.MATCHED, MatchMethod.ALREADY_RECORDED, erp,
    )  # fmt: skip
    assert Payment.objects.count() == 1
    assert any("not counted twice" in note for note in result.notes)


def test_the_same_customer_and_amount_within_days_is_the_same_money(ledger, camt):
    invoice = ledger["C004"].invoices.get()
    erp = PaymentFactory(
        customer=ledger["C004"], reference="REG-ERP-77", amount=Decimal("780.00"),
        date=dt.date(2026, 3, 3),
    )  # fmt: skip
    allocate(invoice=invoice, payment=erp, amount=Decimal("780.00"))
    import_bank(camt(entry("780.00", name="MENUISERIE ARNAUD", text="FA-2026-0130")))

    line = BankLine.objects.get()
    assert line.payment == erp
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.open_amount == 0  # lettered once, by the ERP


def test_a_payment_of_the_same_amount_a_month_earlier_is_another_payment(ledger, camt):
    PaymentFactory(
        customer=ledger["C004"], reference="REG-FEB", amount=Decimal("780.00"),
        date=dt.date(2026, 2, 3),
    )  # fmt: skip
    import_bank(camt(entry("780.00", name="MENUISERIE ARNAUD", text="FA-2026-0130")))
    line = BankLine.objects.get()
    assert line.match_method == MatchMethod.INVOICE_NUMBERS
    assert Payment.objects.count() == 2
