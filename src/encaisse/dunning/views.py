"""Dunning pages: what goes out next, approvals and holds, the outbox. Thin adapters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from encaisse.accounts.models import User
from encaisse.accounts.permissions import acting_user, can_run_dunning, is_read_only
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.core.http import safe_next
from encaisse.dunning.channels import letters_in_one_pdf
from encaisse.dunning.composing.document import letter_document
from encaisse.dunning.composing.facts import MessageFacts
from encaisse.dunning.forms import (
    DecisionForm,
    DunningProfileForm,
    HoldRequestForm,
    LetterPostedForm,
    LettersDayForm,
)
from encaisse.dunning.models import (
    LETTER,
    DeliveryStatus,
    DunningProfile,
    MessageState,
    OutboundMessage,
)
from encaisse.dunning.selectors import (
    actions_awaiting_approval,
    customer_dunning_history,
    customer_profile,
    outbox_messages,
    pending_holds,
    scenario_of,
    scenarios,
    upcoming_actions,
    visible_actions,
    visible_holds,
    visible_messages,
)
from encaisse.dunning.services.decisions import (
    approve_action,
    cancel_action,
    decide_hold,
    request_hold,
)
from encaisse.dunning.services.letters import (
    record_letter_posted,
    record_letters_posted,
    record_letters_printed,
)
from encaisse.dunning.services.profiles import set_dunning_profile
from encaisse.dunning.timeline import customer_timeline, event_label
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers, visible_invoices
from encaisse.ledger.selectors import narrowed_customers, portfolio_agencies, portfolio_reps

POSTABLE = {DeliveryStatus.GENERATED, DeliveryStatus.PRINTED, DeliveryStatus.POSTED}


def _finance_only(user: User) -> None:
    if not can_run_dunning(user):
        raise Http404


@login_required
def upcoming_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    customers = visible_customers(user)
    customer_pk = request.GET.get("customer", "")
    if customer_pk.isdigit():
        customers = customers.filter(pk=int(customer_pk))
    reps = portfolio_reps(user)
    agencies = portfolio_agencies(user)
    rep = request.GET.get("rep", "")
    agency = request.GET.get("agency", "")
    customers = narrowed_customers(  # within the portfolio: a foreign id leaves nothing
        customers,
        rep=int(rep) if rep.isdigit() else None,
        agency=int(agency) if agency.isdigit() else None,
    )
    start = today()
    upcoming = upcoming_actions(customers, start=start, days=7)
    days: dict[object, list[object]] = {}
    for action in upcoming:
        days.setdefault(action.day, []).append(action)
    return render(
        request,
        "dunning/upcoming.html",
        {
            "days": days,
            "start": start,
            "count": len(upcoming),
            "reps": reps,
            "agencies": agencies,
            "rep": rep,
            "agency": agency,
            "can_hold": not is_read_only(user),
            "default_until": HoldRequestForm.default_until(start),
        },
    )


@login_required
@require_POST
def request_hold_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    form = HoldRequestForm(request.POST)
    if form.is_valid():
        invoices = list(visible_invoices(user).filter(customer=customer, pk__in=form.invoice_ids()))
        try:
            request_hold(
                customer=customer,
                invoices=invoices,
                reason=form.cleaned_data["reason"],
                hold_until=form.cleaned_data["hold_until"],
                requested_by=user,
                today=today(),
                step_key=form.cleaned_data.get("step") or "",
            )
        except BadInput as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "Hold requested: finance will decide; until then "
                    "nothing goes out on these invoices."
                ),
            )
    else:
        messages.error(request, _("Say why and until when the reminder should wait."))
    return redirect(safe_next(request, "dunning-upcoming"))


@login_required
def approvals_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _finance_only(user)
    customers = visible_customers(user)
    return render(
        request,
        "dunning/approvals.html",
        {
            "actions": actions_awaiting_approval(customers),
            "holds": pending_holds(customers),
        },
    )


@login_required
@require_POST
def decide_action_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _finance_only(user)
    action = get_object_or_404(visible_actions(user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                approve_action(action=action, approved_by=user)
                messages.success(request, _("Approved: it goes out with the next outbox."))
            else:
                cancel_action(action=action, cancelled_by=user)
                messages.success(request, _("Cancelled: this step will not be sent."))
        except BadInput as error:
            messages.error(request, str(error))
    return redirect("dunning-approvals")


@login_required
@require_POST
def decide_hold_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _finance_only(user)
    hold = get_object_or_404(visible_holds(user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decide_hold(
                hold=hold,
                approve=form.cleaned_data["decision"] == "approve",
                decided_by=user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Decision recorded."))
        except BadInput as error:
            messages.error(request, str(error))
    return redirect("dunning-approvals")


@login_required
def outbox_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _finance_only(user)
    status = request.GET.get("state", "")
    status = status if status in DeliveryStatus.values else ""
    page = Paginator(
        outbox_messages(visible_customers(user), DeliveryStatus(status) if status else None), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "dunning/outbox.html",
        {
            "page": page,
            "state": status,
            "states": DeliveryStatus.choices,
            "today": today(),
        },
    )


@login_required
def message_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What was sent: finance and the people who see the customer (sales sees what went out).
    A letter shows as the same document as its PDF."""
    user = acting_user(request)
    message = get_object_or_404(visible_messages(user), pk=pk)
    letter = (
        letter_document(message, MessageFacts.from_json(message.facts))
        if message.channel == LETTER and message.facts is not None
        else None
    )
    may_post = can_run_dunning(user) and message.status in POSTABLE
    return render(
        request,
        "dunning/message.html",
        {
            "message": message,
            "letter": letter,
            "posted_form": LetterPostedForm(
                initial={
                    "posted_on": message.posted_on or today(),
                    "tracking_number": message.tracking_number,
                }
            )
            if may_post
            else None,
        },
    )


@login_required
@require_POST
def letter_posted_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    _finance_only(user)
    letter = get_object_or_404(visible_messages(user), pk=pk)
    form = LetterPostedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say on which day the letter was posted."))
        return redirect("dunning-message", pk=letter.pk)
    try:
        record_letter_posted(
            letter=letter,
            posted_on=form.cleaned_data["posted_on"],
            tracking_number=form.cleaned_data["tracking_number"],
            posted_by=user,
            today=today(),
        )
    except BadInput as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The letter is recorded as posted."))
    return redirect("dunning-message", pk=letter.pk)


@login_required
def letter_pdf_view(request: HttpRequest, pk: int) -> FileResponse:
    user = acting_user(request)
    message = get_object_or_404(visible_messages(user), pk=pk)
    path = Path(settings.DATA_DIR) / message.document
    if not message.document or not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"),
        content_type="application/pdf",
        filename=f"{message.action.customer.external_id}-{message.pk}.pdf",
    )


def _letters_of_the_day(user: User, day: dt.date) -> QuerySet[OutboundMessage]:
    return (
        visible_messages(user)
        .filter(channel=LETTER, state=MessageState.SENT, sent_at__date=day)
        .exclude(document="")
    )


@login_required
@require_POST
def letters_batch_view(request: HttpRequest) -> HttpResponse:
    """Every letter generated on a day, in one PDF to print; they are recorded as printed."""
    user = acting_user(request)
    _finance_only(user)
    form = LettersDayForm(request.POST)
    day = form.cleaned_data["day"] if form.is_valid() else today()
    letters = _letters_of_the_day(user, day)
    documents = list(letters.order_by("action__customer__name").values_list("document", flat=True))
    if not documents:
        messages.info(request, _("No letter was generated on that day."))
        return redirect("dunning-outbox")
    record_letters_printed(letters=letters, printed_by=user)
    response = HttpResponse(letters_in_one_pdf(documents), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letters-{day.isoformat()}.pdf"'
    return response


@login_required
@require_POST
def letters_posted_view(request: HttpRequest) -> HttpResponse:
    """The letters generated on a day went to the post office (those not recorded yet)."""
    user = acting_user(request)
    _finance_only(user)
    form = LettersDayForm(request.POST)
    if not form.is_valid() or form.cleaned_data["posted_on"] is None:
        messages.error(request, _("Say which day's letters were posted, and when."))
        return redirect(f"{reverse('dunning-outbox')}?state={DeliveryStatus.PRINTED}")
    try:
        count = record_letters_posted(
            letters=_letters_of_the_day(user, form.cleaned_data["day"]),
            posted_on=form.cleaned_data["posted_on"],
            posted_by=user,
            today=today(),
        )
    except BadInput as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s letter recorded as posted.",
                "%(count)s letters recorded as posted.",
                count,
            )
            % {"count": count},
        )
    return redirect(f"{reverse('dunning-outbox')}?state={DeliveryStatus.POSTED}")


def customer_timeline_panel(request: HttpRequest, customer: Customer) -> str:
    """Everything that happened with the customer, newest first, from every app."""
    events = [
        {"label": event_label(event.kind), **vars(event)}
        for event in customer_timeline(customer, reader=acting_user(request))
    ]
    return render_to_string(
        "dunning/_timeline_panel.html", {"customer": customer, "events": events}, request=request
    )


def _profile_form(profile: DunningProfile | None, data: Any = None) -> DunningProfileForm:
    initial = (
        {
            "scenario": profile.scenario_id,
            "do_not_contact": profile.do_not_contact,
            "on_hold_until": profile.on_hold_until,
        }
        if profile is not None
        else {}
    )
    return DunningProfileForm(data, initial=initial, scenarios=scenarios().order_by("name"))


@login_required
@require_POST
def customer_profile_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """Finance sets the customer's own scenario, do-not-contact and hold."""
    user = acting_user(request)
    _finance_only(user)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    form = _profile_form(customer_profile(customer), request.POST)
    if form.is_valid():
        try:
            set_dunning_profile(
                customer=customer,
                scenario=form.cleaned_data["scenario"],
                do_not_contact=form.cleaned_data["do_not_contact"],
                on_hold_until=form.cleaned_data["on_hold_until"],
                changed_by=user,
                today=today(),
            )
        except BadInput as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Dunning settings of this customer saved."))
    else:
        messages.error(
            request,
            "; ".join(f"{error}" for errors in form.errors.values() for error in errors),
        )
    return redirect("customer-detail", pk=customer.pk)


def customer_dunning_panel(request: HttpRequest, customer: Customer) -> str:
    """The dunning part of the customer page: what comes next and what was done."""
    user = acting_user(request)
    start = today()
    upcoming = upcoming_actions(visible_customers(user).filter(pk=customer.pk), start=start, days=7)
    profile = customer_profile(customer)
    finance = can_run_dunning(user)
    return render_to_string(
        "dunning/_customer_panel.html",
        {
            "customer": customer,
            "profile": profile,
            "scenario": scenario_of(customer, profile),
            "profile_form": _profile_form(profile) if finance else None,
            "today": start,
            "upcoming": upcoming,
            "history": customer_dunning_history(customer)[:10],
            "can_hold": not is_read_only(user),
            "is_finance": can_run_dunning(user),
            "default_until": HoldRequestForm.default_until(start),
        },
        request=request,
    )
