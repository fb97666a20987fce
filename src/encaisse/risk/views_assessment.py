"""The field assessment on the customer page (a panel and an action) and its form."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from encaisse.accounts.permissions import acting_user, can_assess_customers
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer, Segment
from encaisse.ledger.scoping import visible_customers
from encaisse.risk.assessment import (
    QUESTIONS,
    answer_label,
    answer_points,
    assessed_ago,
    customer_assessments,
    record_field_assessment,
    score_tone,
)
from encaisse.risk.assessment_reminders import assessment_is_due
from encaisse.risk.forms_assessment import AssessmentForm
from encaisse.risk.models_assessment import FieldAssessment

PREVIOUS = 10  # the older assessments the panel folds


def _shown(assessment: FieldAssessment, as_of: dt.date) -> dict[str, object]:
    return {
        "assessment": assessment,
        "ago": assessed_ago(assessment.assessed_on, as_of=as_of),
        "age_days": (as_of - assessment.assessed_on).days,
        "tone": score_tone(assessment.score),
        "answers": [
            {
                "question": question.text,
                "answer": answer_label(question, getattr(assessment, question.field)),
                "points": answer_points(question, getattr(assessment, question.field)),
                "out_of": question.points[0],
            }
            for question in QUESTIONS
        ],
    }


def customer_assessment_panel(request: HttpRequest, customer: Customer) -> str:
    """The customer page's "Field assessment" panel: the latest (score, age, who), the
    previous ones folded, and the button to assess."""
    user = acting_user(request)
    as_of = today()
    assessments = list(customer_assessments(customer)[: PREVIOUS + 1])
    latest = _shown(assessments[0], as_of) if assessments else None
    key_account = customer.segment == Segment.KEY_ACCOUNT
    months = settings.ENCAISSE_ASSESSMENT_MONTHS
    due = key_account and assessment_is_due(
        assessments[0].assessed_on if assessments else None, as_of=as_of, months=months
    )
    return render_to_string(
        "risk/assessment/_panel.html",
        {
            "customer": customer,
            "latest": latest,
            "previous": [_shown(a, as_of) for a in assessments[1:]],
            "due": due,
            "months": months,
            "can_assess": can_assess_customers(user),
        },
        request=request,
    )


@login_required
def assessment_new_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """The form a rep fills in at the customer's, on a phone, and signs."""
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    if not can_assess_customers(user):
        raise Http404
    as_of = today()
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        today=as_of,
        initial={"assessed_on": as_of},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = record_field_assessment(
                customer=customer,
                assessed_by=user,
                assessed_on=form.cleaned_data["assessed_on"],
                answers=form.answers(),
                certified=form.cleaned_data["certified"],
                comment=form.cleaned_data["comment"],
                today=as_of,
            )
        except PermissionDenied:
            raise Http404 from None
        except BadInput as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Field assessment signed: score %(score)d/100.") % {"score": assessment.score},
            )
            return redirect(reverse("customer-detail", args=[customer.pk]) + "#assessment")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "risk/assessment/form.html",
        {"customer": customer, "form": form, "today": as_of},
        status=status,
    )


def register_assessment() -> None:
    """The customer page's panel and action, and the timeline's events (RiskConfig.ready)."""
    from django.utils.translation import pgettext_lazy

    from encaisse.core.panels import (
        CustomerAction,
        register_customer_action,
        register_customer_panel,
    )
    from encaisse.core.timeline import register_timeline_source
    from encaisse.risk.timeline_assessment import LABELS, assessment_events

    register_customer_panel(customer_assessment_panel, order=27)
    register_customer_action(
        CustomerAction(
            label=pgettext_lazy("customer action", "Field assessment"),
            url_name="risk-assessment-new",
            allowed=can_assess_customers,
            order=70,
        )
    )
    register_timeline_source(assessment_events, labels=LABELS)
