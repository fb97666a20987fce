"""What became of the demo's disputes: most were answered (a credit note for part of the
invoice, a rejection, a customer who took it back), some are still open or investigated,
a few past their due date; each through the services finance would use."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_DOWN, Decimal

from encaisse.accounts.models import Role, User
from encaisse.collaboration.models import Dispute
from encaisse.collaboration.services_disputes import (
    comment_dispute,
    reject_dispute,
    resolve_dispute_by_credit_note,
    start_investigation,
    withdraw_dispute,
)

# Of the disputes: credited, rejected, withdrawn, investigating; the rest stay open.
FATES = (("credited", 0.35), ("rejected", 0.2), ("withdrawn", 0.1), ("investigating", 0.2))


def _fate(rng: random.Random) -> str:
    draw = rng.random()
    for fate, share in FATES:
        if draw < share:
            return fate
        draw -= share
    return "open"


def play_dispute(dispute: Dispute, *, rng: random.Random, today: dt.date) -> None:
    """Move ``dispute`` on as finance and the rep did since it was opened."""
    finance = User.objects.filter(role=Role.FINANCE, is_active=True).order_by("pk").first()
    if finance is None:
        return
    fate = _fate(rng)
    if fate == "open":
        return
    age = (today - dispute.opened_on).days
    looked_on = dispute.opened_on + dt.timedelta(days=min(rng.randint(1, 5), age))
    start_investigation(dispute=dispute, by=finance, on=looked_on)
    if dispute.owner is not None:
        comment_dispute(
            dispute=dispute,
            by=dispute.owner,
            on=looked_on,
            comment="Vu avec le client, j'attends son retour écrit.",
        )
    if fate == "investigating":
        return
    closed_on = min(looked_on + dt.timedelta(days=rng.randint(2, 30)), today)
    if fate == "credited":
        invoice = dispute.invoices.get()
        share = Decimal(rng.choice([10, 15, 20, 30])) / 100
        amount = (invoice.open_amount * share).quantize(Decimal("1"), rounding=ROUND_DOWN)
        resolve_dispute_by_credit_note(
            dispute=dispute,
            by=finance,
            on=closed_on,
            number=f"AV-LIT-{dispute.pk:05d}",
            amount=max(amount, Decimal("1")),
            comment="Avoir accordé après vérification du bon de livraison.",
        )
    elif fate == "rejected":
        reject_dispute(
            dispute=dispute,
            by=finance,
            on=closed_on,
            comment="Conforme au contrat et au bon de livraison signé : la relance reprend.",
        )
    else:
        withdraw_dispute(
            dispute=dispute,
            by=finance,
            on=closed_on,
            comment="Le client a retrouvé le bon signé et retire sa contestation.",
        )
