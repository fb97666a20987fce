"""A transfer quoting the customer's creditor reference (RF.., printed on its reminders and
in their QR code) names the customer with certainty: its invoices are settled oldest first."""

from __future__ import annotations

from decimal import Decimal

from stdnum import iso11649

from encaisse.banking.models import BankLine, LineStatus, MatchMethod
from encaisse.banking.tests.conftest import entry, import_bank
from encaisse.ledger.models import Invoice
from encaisse.ledger.references import creditor_reference, customers_in
from encaisse.ledger.tests.factories import CustomerFactory, LegalEntityFactory


def test_a_creditor_reference_is_valid_and_read_back_from_any_bank_wording():
    reference = creditor_reference(1234)
    assert iso11649.is_valid(reference)
    assert customers_in(f"VIR SEPA /ROC/{iso11649.format(reference)} MERCI") == {1234}
    assert customers_in(reference.lower(), "RF00C1234", "RF") == {1234}


def test_the_reference_settles_the_customers_invoices_oldest_first(ledger, camt):
    customer = ledger["C003"]  # FA-2026-0120 and FA-2026-0121, 960,00 each
    import_bank(camt(entry("1200.00", name="GDQ", text=f"REGLEMENT {customer.creditor_reference}")))
    line = BankLine.objects.get()
    assert (line.status, line.match_method) == (LineStatus.MATCHED, MatchMethod.CREDITOR_REFERENCE)
    assert line.payment.customer == customer
    opened = dict(Invoice.objects.filter(customer=customer).values_list("number", "open_amount"))
    assert opened == {"FA-2026-0120": Decimal("0.00"), "FA-2026-0121": Decimal("720.00")}


def test_the_reference_of_another_companys_customer_names_nobody(ledger, camt, entity):
    stranger = CustomerFactory(entity=LegalEntityFactory(code="OTHER"))
    import_bank(
        camt(entry("960.00", name="X", text=stranger.creditor_reference)), entity=entity.code
    )
    line = BankLine.objects.get()
    assert line.status == LineStatus.TO_RECONCILE
    assert line.payment is None
