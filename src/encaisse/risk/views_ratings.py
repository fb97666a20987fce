"""The ratings and credit-insurance pages: the risk panel of the customer page, the history of
a customer's ratings and cover, the cover form (finance), the covers ending soon (finance).

Every customer is fetched from ``visible_customers``: outside the portfolio is a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import acting_user, can_record_credit_cover
from encaisse.collaboration.forms import AmountField
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.core.forms import add_service_error
from encaisse.core.i18n import from_data
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.risk.models_ratings import CoverKind, CreditRating, InsuranceCover
from encaisse.risk.ratings import (
    EXPIRY_WARNING_DAYS,
    counts_on,
    customer_covers,
    customer_exposure,
    customer_ratings,
    expiring_covers,
    rating_summary,
    record_cover,
)

PANEL_ID = "credit-risk"


class CoverForm(forms.Form):
    insurer = forms.CharField(label=gettext_lazy("Insurer"), max_length=100)
    amount = AmountField(
        label=gettext_lazy("Amount covered"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        help_text=gettext_lazy("0 when the insurer withdrew its cover."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CoverKind.choices)
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Required for a temporary cover."),
    )
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=60, required=False)

    def add_service_error(self, error: BadInput) -> None:
        add_service_error(self, error)


def _reasons(rating: CreditRating) -> list[str]:
    return [str(from_data(reason)) for reason in rating.downgrade]


def customer_risk_panel(request: HttpRequest, customer: Customer) -> str:
    """The customer page's panel: the latest rating (its age and trend), the cover, and
    whether the exposure is above it; finance records the cover from here."""
    user = acting_user(request)
    day = today()
    summary = rating_summary(customer)
    cover = customer_covers(customer).first()
    may_record = can_record_credit_cover(user)
    if summary is None and cover is None and not may_record:
        return ""
    position = customer_exposure(customer, today=day) if cover is not None else None
    context = {
        "customer": customer,
        "summary": summary,
        "age": timesince(summary.current.rated_on, dt.datetime.combine(day, dt.time()), depth=1)
        if summary
        else "",
        "reasons": _reasons(summary.current) if summary else [],
        "cover": cover,
        "cover_counts": counts_on(cover, day),
        "cover_ends_soon": bool(
            counts_on(cover, day)
            and cover is not None
            and cover.expires_on is not None
            and cover.expires_on <= day + dt.timedelta(days=EXPIRY_WARNING_DAYS)
        ),
        "position": position,
        "currency": customer.entity.currency,
        "may_record": may_record,
    }
    return render_to_string("risk/ratings/_panel.html", context, request=request)


def customer_ratings_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """Every rating of the customer and every version of its cover."""
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    ratings = [(rating, _reasons(rating)) for rating in customer_ratings(customer)[:200]]
    return render(
        request,
        "risk/ratings/history.html",
        {
            "customer": customer,
            "ratings": ratings,
            "covers": list(customer_covers(customer)[:100]),
            "currency": customer.entity.currency,
            "may_record": can_record_credit_cover(user),
        },
    )


@allowed_or_404(can_record_credit_cover)
def cover_new_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """Finance records the customer's cover (a new version)."""
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    current = customer_covers(customer).first()
    status = 200
    if request.method == "POST":
        form = CoverForm(request.POST)
        if form.is_valid():
            try:
                record_cover(
                    customer=customer, recorded_by=user, today=today(), **form.cleaned_data
                )
            except BadInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Credit-insurance cover recorded."))
                return redirect(reverse("customer-detail", args=[customer.pk]) + f"#{PANEL_ID}")
        status = 400
    else:
        initial: dict[str, Any] = {"kind": CoverKind.PERMANENT}
        if current is not None:
            initial = {
                "insurer": current.insurer,
                "amount": current.amount,
                "kind": current.kind,
                "expires_on": current.expires_on,
                "reference": current.reference,
            }
        form = CoverForm(initial=initial)
    return render(
        request, "risk/ratings/cover_form.html", {"customer": customer, "form": form}, status=status
    )


@allowed_or_404(can_record_credit_cover)
def expiring_covers_view(request: HttpRequest) -> HttpResponse:
    """Finance's list of the covers that end within 30 days."""
    user = acting_user(request)
    visible = visible_customers(user).values("pk")
    covers: list[InsuranceCover] = list(
        expiring_covers(today=today()).filter(customer__in=visible)[:500]
    )
    return render(
        request,
        "risk/ratings/expiring_covers.html",
        {"covers": covers, "days": EXPIRY_WARNING_DAYS},
    )
