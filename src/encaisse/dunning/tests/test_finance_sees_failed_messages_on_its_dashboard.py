"""Messages that failed for good, approvals and hold requests wait for finance on the dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.dunning.models import MessageState, OutboundMessage
from encaisse.dunning.selectors import finance_queue
from encaisse.dunning.services.outbox import compose_messages
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.models import Customer
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory


def _failed_message(entity, rep, agency) -> OutboundMessage:
    customer = CustomerFactory(entity=entity, segment="sme", sales_rep=rep, agency=agency)
    InvoiceFactory(
        customer=customer,
        issue_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 2, 1),
        amount=Decimal("500.00"),
    )
    execute_dunning_run(as_of=dt.date(2026, 2, 20))
    compose_messages()
    message = OutboundMessage.objects.get()
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=MessageState.FAILED, attempts=5, last_error="550 mailbox unavailable"
    )
    return message


def test_a_failed_message_is_counted_and_linked_for_finance(
    client, dunning_ready, finance_fanny, rep_remi, lyon
):
    _failed_message(dunning_ready, rep_remi, lyon)

    assert finance_queue(Customer.objects.all()).failed_messages == 1
    client.force_login(finance_fanny)
    page = client.get("/").content.decode()
    assert 'data-testid="finance-queue"' in page
    assert "1 message failed" in page
    assert "/dunning/outbox/?state=failed" in page
    outbox = client.get("/dunning/outbox/?state=failed").content.decode()
    assert "550 mailbox unavailable" in outbox


def test_a_sales_rep_has_no_finance_queue(client, dunning_ready, rep_remi, lyon):
    _failed_message(dunning_ready, rep_remi, lyon)
    client.force_login(rep_remi)
    assert 'data-testid="finance-queue"' not in client.get("/").content.decode()
