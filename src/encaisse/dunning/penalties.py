"""French late-payment charges (art. L441-10 Code de commerce): interest and €40 per invoice.

Pure arithmetic: no Django, the rate and dates come in.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RECOVERY_INDEMNITY = Decimal("40.00")  # fixed indemnity per invoice paid late (D441-5)
CENT = Decimal("0.01")


def late_interest(
    open_amount: Decimal, days_past_due: int, annual_rate_percent: Decimal
) -> Decimal:
    """Interest owed on an amount paid ``days_past_due`` days late, at a yearly rate."""
    if days_past_due <= 0 or open_amount <= 0:
        return Decimal("0.00")
    interest = open_amount * annual_rate_percent / Decimal(100) * days_past_due / Decimal(365)
    return interest.quantize(CENT, rounding=ROUND_HALF_UP)
