"""What the customer page and the timeline read of the score (the customer already scoped)."""

from __future__ import annotations

from dataclasses import dataclass

from encaisse.core.i18n import from_data
from encaisse.ledger.models import Customer
from encaisse.risk.models_score import RiskScore, WeakSignal, WeakSignalKind
from encaisse.risk.scoring import factor_label

LOW, HIGH = 20, 45  # the gauge: up to LOW low risk, from HIGH high risk


@dataclass(frozen=True)
class FactorLine:
    name: str
    label: str
    value: float | int | None
    points: int


@dataclass(frozen=True)
class SignalLine:
    kind: str
    label: str
    reason: str
    detected_on: object


@dataclass(frozen=True)
class CustomerRisk:
    score: RiskScore | None
    factors: list[FactorLine]
    signals: list[SignalLine]

    @property
    def tone(self) -> str:
        if self.score is None:
            return "secondary"
        if self.score.score >= HIGH:
            return "danger"
        return "warning" if self.score.score > LOW else "success"


def weak_signal_lines(customer: Customer, *, limit: int = 40) -> list[SignalLine]:
    """The customer's latest weak signals, their reasons in the active language."""
    return [
        SignalLine(
            kind=signal.kind,
            label=str(WeakSignalKind(signal.kind).label),
            reason=str(from_data(signal.reason)),
            detected_on=signal.detected_on,
        )
        for signal in WeakSignal.objects.filter(customer=customer)[:limit]
    ]


def customer_risk(customer: Customer) -> CustomerRisk:
    """The customer's current score, its factors explained, and its latest weak signals."""
    score = RiskScore.objects.filter(customer=customer).first()
    factors = [
        FactorLine(
            name=item["name"],
            label=factor_label(item["name"]),
            value=item.get("value"),
            points=int(item.get("points") or 0),
        )
        for item in (score.factors if score is not None else [])
    ]
    return CustomerRisk(score=score, factors=factors, signals=weak_signal_lines(customer, limit=5))
