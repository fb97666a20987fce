"""What the ledger tells the ERP by webhook (encaisse.webhooks): payments received and
payments returned, as plain values (ids, external ids, ISO dates, amounts as strings)."""

from __future__ import annotations

from collections.abc import Iterable

from encaisse.core.money import money_str
from encaisse.ledger.models import Customer, Payment
from encaisse.webhooks.services import emit, emit_many


def payment_payload(payment: Payment, customer: Customer | None = None) -> dict[str, object]:
    customer = customer or payment.customer
    return {
        "payment_id": payment.pk,
        "reference": payment.reference,
        "customer_id": payment.customer_id,
        "customer_external_id": customer.external_id if customer is not None else None,
        "date": payment.date.isoformat(),
        "amount": money_str(payment.amount),
        "currency": payment.currency,
    }


def announce_payments_received(payments: Iterable[Payment]) -> int:
    """``payment.received`` for each payment of customer money (refunds aside), once each."""
    received = [p for p in payments if p.pk is not None and p.amount > 0 and p.customer_id]
    if not received:
        return 0
    customers = Customer.objects.in_bulk({p.customer_id for p in received})
    return emit_many(
        "payment.received",
        ((f"payment:{p.pk}", payment_payload(p, customers.get(p.customer_id))) for p in received),
    )


def announce_payment_returned(back: Payment) -> None:
    """``payment.returned`` for the negative payment that records money taken back."""
    payload = payment_payload(back)
    payload["returns_payment_id"] = back.returns_id
    payload["return_reason"] = back.return_reason
    emit("payment.returned", payload, key=f"payment-return:{back.pk}")
