from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.apps import AppConfig


def _on_invoices_paid(sender: object, *, allocated: Mapping[int, Decimal], **_: object) -> None:
    from encaisse.collaboration.payment_notices import tell_reps_their_customers_paid

    tell_reps_their_customers_paid(allocated=allocated)


class CollaborationConfig(AppConfig):
    name = "encaisse.collaboration"
    label = "collaboration"

    def ready(self) -> None:
        from encaisse.ledger.signals import invoices_paid

        # The reps hear of their customers' payments, whoever lettered them (imports,
        # banking: apps collaboration may not call).
        invoices_paid.connect(_on_invoices_paid, dispatch_uid="collaboration-tells-reps-paid")
