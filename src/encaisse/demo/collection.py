"""The demo company's collection activity: scenarios, disputes, promises, today's run.

Run after the ledger is loaded, so that a visitor finds what a team that has used
Encaisse for a while finds: the shipped scenarios in place, a few invoices in dispute or
under a promise to pay, and today's dunning run done, with calls waiting for the reps.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from encaisse.collaboration.models import DisputeReason
from encaisse.collaboration.promises import check_promises, record_promise
from encaisse.collaboration.services import open_dispute
from encaisse.demo.bank import import_demo_statement
from encaisse.demo.disputes import play_dispute
from encaisse.demo.promises import seed_promise_history
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.services.setup import install_shipped_dunning
from encaisse.ledger.models import Customer, Invoice

DISPUTE_SHARE = 0.04  # of the customers with overdue invoices
PROMISE_SHARE = 0.06
DISPUTE_NOTES = {
    DisputeReason.PRICE: "Le client conteste le tarif appliqué (remise annuelle non déduite).",
    DisputeReason.QUANTITY: "Livraison partielle : 2 palettes sur 12 manquantes à réception.",
    DisputeReason.QUALITY: "Marchandise endommagée, réserves portées sur la lettre de voiture.",
    DisputeReason.DELIVERY: "Le client attend le bon de livraison signé pour payer.",
    DisputeReason.SALES_TERMS: "Délai de paiement à 60 jours accordé par le commercial à la "
    "commande.",
    DisputeReason.DUPLICATE: "Facture reçue deux fois (même commande, deux numéros).",
    DisputeReason.ALREADY_PAID: "Le client dit avoir payé par virement le mois dernier.",
}


@dataclass
class CollectionSummary:
    scenarios: list[str]
    disputes: int
    promises: int
    promises_kept: int
    promises_broken: int
    actions: int
    bank_notes: list[str]


def seed_collection(*, today: dt.date, folder: Path, seed: int = 2026) -> CollectionSummary:
    """Import yesterday's bank statement, install the scenarios, open disputes and
    promises, and run today's dunning."""
    rng = random.Random(seed)
    bank = import_demo_statement(today=today, folder=folder, seed=seed)
    setup = install_shipped_dunning()
    # Customers with an invoice overdue (an open credit note past its date is not "late").
    late_customers = list(
        Customer.objects.filter(pk__in=Invoice.objects.overdue(today).values("customer_id"))
        .select_related("sales_rep")
        .order_by("pk")
    )
    rng.shuffle(late_customers)
    disputed = late_customers[: int(len(late_customers) * DISPUTE_SHARE)]
    promising = late_customers[
        len(disputed) : len(disputed) + int(len(late_customers) * PROMISE_SHARE)
    ]
    for customer in disputed:
        invoice = _oldest_overdue(customer, today)
        reason = rng.choice(list(DISPUTE_NOTES))
        dispute = open_dispute(
            customer=customer,
            invoices=[invoice],
            reason=reason,
            opened_on=today - dt.timedelta(days=rng.randint(2, 90)),
            opened_by=customer.sales_rep,
            owner=rng.choice([customer.sales_rep, None]),  # the rep, or finance's
            note=DISPUTE_NOTES[reason],
        )
        play_dispute(dispute, rng=rng, today=today)
    for customer in promising:
        invoice = _oldest_overdue(customer, today)
        record_promise(
            customer=customer,
            invoices=[invoice],
            promised_for=today + dt.timedelta(days=rng.randint(2, 20)),
            recorded_on=today - dt.timedelta(days=rng.randint(0, 10)),
            amount=invoice.open_amount,
            recorded_by=customer.sales_rep,
            note="Promesse obtenue par téléphone auprès du service comptable.",
        )
    history = seed_promise_history(
        today=today, rng=rng, late_customers=late_customers[len(disputed) + len(promising) :]
    )
    check_promises(as_of=today)  # this morning's daily check, before the run as every day
    result = execute_dunning_run(as_of=today)
    return CollectionSummary(
        scenarios=setup.scenarios_added,
        disputes=len(disputed),
        promises=len(promising) + history.kept + history.broken,
        promises_kept=history.kept,
        promises_broken=history.broken,
        actions=len(result.actions),
        bank_notes=[bank.message] if not bank.ok else bank.notes,
    )


def _oldest_overdue(customer: Customer, today: dt.date) -> Invoice:
    invoice = (
        Invoice.objects.overdue(today).filter(customer=customer).order_by("due_date", "pk").first()
    )
    assert invoice is not None  # noqa: S101  (the customer was chosen for it)
    return invoice
