"""Report pages and their exports: thin adapters over reporting.selectors."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from encaisse.accounts.permissions import acting_user, can_run_dunning
from encaisse.core.dates import today
from encaisse.core.money import money_str
from encaisse.dunning.selectors import finance_queue
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.selectors import CustomerFilters, customer_list, narrowed_customers
from encaisse.reporting import exports
from encaisse.reporting.forms import AgedBalanceForm
from encaisse.reporting.selectors import (
    BUCKETS,
    DSO_PERIOD_DAYS,
    GROUPING_LABELS,
    AgedBalance,
    AgedRow,
    Grouping,
    aged_balance,
    days_sales_outstanding,
)

# What a click on a row of one grouping drills down to.
DRILL_DOWN = {
    Grouping.TOTAL: Grouping.CUSTOMER,
    Grouping.REP: Grouping.CUSTOMER,
    Grouping.AGENCY: Grouping.REP,
    Grouping.SEGMENT: Grouping.CUSTOMER,
}
DRILL_PARAM = {Grouping.REP: "rep", Grouping.AGENCY: "agency", Grouping.SEGMENT: "segment"}


def _chart(report: AgedBalance) -> str:
    """Bucket totals of the main currency, for the chart (amounts as strings, never floats)."""
    total = report.totals[0] if report.totals else AgedRow(key="", label="", currency="EUR")
    return json.dumps(
        {
            "labels": [str(label) for _key, label, *_rest in BUCKETS],
            "values": [money_str(total.buckets[key]) for key, *_rest in BUCKETS],
            "currency": total.currency,
        }
    )


def _narrowed(customers: QuerySet[Customer], data: dict[str, str]) -> QuerySet[Customer]:
    """The drill-down links name a rep by username and an agency by code."""
    return narrowed_customers(
        customers, rep=data.get("rep"), agency=data.get("agency"), segment=data.get("segment")
    )


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv", exports.aged_balance_csv),
    "json": ("application/json", "json", exports.aged_balance_json),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        exports.aged_balance_xlsx,
    ),
}


@login_required
def aged_balance_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = AgedBalanceForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    as_of = data.get("as_of") or today()
    by = Grouping(data.get("by") or Grouping.CUSTOMER)
    customers = _narrowed(visible_customers(user), data)
    report = aged_balance(customers, as_of=as_of, by=by)

    export = request.GET.get("export")
    if export in EXPORTS:
        content_type, extension, render_export = EXPORTS[export]
        response = HttpResponse(render_export(report), content_type=content_type)
        filename = f"aged-balance-{by}-{as_of.isoformat()}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "report": report,
        "as_of": as_of,
        "by": by,
        "groupings": [(g.value, GROUPING_LABELS[g]) for g in Grouping],
        "buckets": BUCKETS,
        "chart": _chart(report),
        "drill_to": DRILL_DOWN.get(by),
        "drill_param": DRILL_PARAM.get(by),
        "narrowed": {k: data.get(k) for k in ("rep", "agency", "segment") if data.get(k)},
    }
    return render(request, "reporting/aged_balance.html", context)


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    as_of = today()
    customers = visible_customers(user)
    report = aged_balance(customers, as_of=as_of, by=Grouping.TOTAL)
    worst = customer_list(user, CustomerFilters(overdue_only=True, sort="-overdue"), today=as_of)
    context = {
        "report": report,
        "total": report.totals[0] if report.totals else None,
        "currency": report.totals[0].currency if report.totals else "EUR",
        "over_90": (
            report.totals[0].buckets["91_120"] + report.totals[0].buckets["over_120"]
            if report.totals
            else None
        ),
        "buckets": BUCKETS,
        "chart": _chart(report),
        "worst_customers": worst[:8],
        "customer_count": customers.count(),
        "today": as_of,
        "finance_queue": finance_queue(customers) if can_run_dunning(user) else None,
        "dso": (
            days_sales_outstanding(customers, as_of=as_of, outstanding=report.totals[0].total)
            if report.totals
            else None
        ),
        "dso_days": DSO_PERIOD_DAYS,
    }
    return render(request, "reporting/dashboard.html", context)
