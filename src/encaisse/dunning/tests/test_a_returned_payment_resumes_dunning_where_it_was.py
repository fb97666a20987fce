"""When the bank sends a payment back, the invoices it paid are dunned again from the step
they had reached, not from the first one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.dunning.models import DunningAction
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.services import allocate, record_payment_return
from encaisse.ledger.tests.factories import (
    ContactFactory,
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
)


def test_a_returned_payment_resumes_dunning_at_the_step_reached(dunning_ready, smtp_inbox):
    customer = CustomerFactory(entity=dunning_ready, segment="sme")
    ContactFactory(customer=customer, email="compta@client.fr")
    invoice = InvoiceFactory(
        customer=customer, amount=Decimal("800.00"), due_date=dt.date(2026, 3, 1)
    )
    execute_dunning_run(as_of=dt.date(2026, 3, 9))  # 8 days late: the first reminder
    send_outbox()
    payment = PaymentFactory(customer=customer, amount=Decimal("800.00"), date=dt.date(2026, 3, 12))
    allocate(invoice=invoice, payment=payment, amount=Decimal("800.00"))
    assert execute_dunning_run(as_of=dt.date(2026, 3, 16)).actions == []  # paid
    record_payment_return(
        payment=payment, returned_on=dt.date(2026, 3, 17), reference="RET-1", reason="AM04"
    )
    assert execute_dunning_run(as_of=dt.date(2026, 3, 18)).actions == []  # reminder 1 was sent
    execute_dunning_run(as_of=dt.date(2026, 3, 23))  # 22 days late: the second reminder
    steps = list(
        DunningAction.objects.filter(customer=customer)
        .order_by("planned_for")
        .values_list("step__key", flat=True)
    )
    assert steps == ["reminder_1", "reminder_2"]
