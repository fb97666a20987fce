"""The customer page's risk panel: the score as a gauge and why, factor by factor."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from encaisse.ledger.models import Customer
from encaisse.risk.selectors_score import customer_risk


def customer_risk_panel(request: HttpRequest, customer: Customer) -> str:
    """The "Risk score" panel of a customer the reader already sees (the page scoped it)."""
    return render_to_string(
        "risk/score/_panel.html",
        {"customer": customer, "risk": customer_risk(customer)},
        request=request,
    )
