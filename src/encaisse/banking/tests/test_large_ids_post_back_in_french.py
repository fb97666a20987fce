"""In French, 1 234 is written with a space: ids in forms and HTML ids must stay plain."""

from __future__ import annotations

from decimal import Decimal

from encaisse.banking.models import BankLine, LineStatus
from encaisse.banking.tests.conftest import entry, import_bank
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory


def test_finance_reconciles_a_line_for_a_customer_whose_id_is_in_the_thousands(
    client, entity, finance_fanny, camt
):
    customer = CustomerFactory(pk=123456, entity=entity, name="Transports Millier")
    invoice = InvoiceFactory(pk=654321, customer=customer, amount=Decimal("1500.00"))
    import_bank(camt(entry("1500.00", name="INCONNU", text="VIREMENT")))
    line = BankLine.objects.get()
    client.force_login(finance_fanny)
    card = client.get(
        f"/bank/lines/{line.pk}/?customer={customer.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    assert 'value="123456"' in card
    assert 'value="654321"' in card

    client.post(
        f"/bank/lines/{line.pk}/reconcile/",
        {"customer": "123456", "invoices": ["654321"]},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    line.refresh_from_db()
    assert line.status == LineStatus.MATCHED
    invoice.refresh_from_db()
    assert invoice.open_amount == 0
