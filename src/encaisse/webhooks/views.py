"""The administrator's webhook pages: subscriptions, the delivery log, a delivery and its
replay. Thin adapters over webhooks.services and webhooks.selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import acting_user, can_manage_integrations
from encaisse.core.errors import BadInput
from encaisse.webhooks import selectors, services
from encaisse.webhooks.catalogue import ALL_EVENTS, EVENTS, PING
from encaisse.webhooks.forms import SubscriptionForm
from encaisse.webhooks.models import Delivery, DeliveryStatus, Subscription
from encaisse.webhooks.sending import body_of

admins_only = allowed_or_404(can_manage_integrations)


def _subscription_or_404(pk: int) -> Subscription:
    try:
        return selectors.subscription(pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _delivery_or_404(pk: int) -> Delivery:
    try:
        return selectors.delivery(pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@admins_only
def subscription_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "webhooks/subscription_list.html",
        {"subscriptions": list(selectors.subscriptions()), "catalogue": EVENTS.items()},
    )


def _save(request: HttpRequest, form: SubscriptionForm, sub: Subscription | None) -> Any:
    if not form.is_valid():
        return None
    try:
        data = form.cleaned_data
        if sub is None:
            return services.create_subscription(
                name=data["name"],
                url=data["url"],
                events=form.chosen_events(),
                created_by=acting_user(request),
            )
        return services.update_subscription(
            subscription=sub, name=data["name"], url=data["url"], events=form.chosen_events()
        )
    except BadInput as error:  # what the form could not know (a host that changed meanwhile)
        form.add_error(None, str(error))
        return None


@admins_only
def subscription_new_view(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST":
        created = _save(request, form, None)
        if created is not None:
            messages.success(
                request,
                _("Subscription created. Give its secret to the receiver: it checks signatures."),
            )
            return redirect("webhook-subscription", created.pk)
    return render(request, "webhooks/subscription_form.html", {"form": form, "subscription": None})


@admins_only
def subscription_view(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _subscription_or_404(pk)
    initial = {"name": sub.name, "url": sub.url, **SubscriptionForm.initial_for(sub.events)}
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save(request, form, sub) is not None:
        messages.success(request, _("Subscription saved."))
        return redirect("webhook-subscription", sub.pk)
    recent = selectors.deliveries(subscription_id=sub.pk)[:10]
    return render(
        request,
        "webhooks/subscription_form.html",
        {
            "form": form,
            "subscription": sub,
            "recent": recent,
            "every_event": ALL_EVENTS in sub.events,
        },
    )


@require_POST
@admins_only
def subscription_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _subscription_or_404(pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_subscription_active(subscription=sub, active=active)
    except BadInput as error:
        messages.error(request, str(error))
    else:
        done = _("Subscription started.") if active else _("Subscription stopped.")
        messages.success(request, done)
    return redirect("webhook-subscription", sub.pk)


@require_POST
@admins_only
def subscription_secret_view(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _subscription_or_404(pk)
    services.rotate_secret(subscription=sub)
    messages.warning(request, _("New secret made: give it to the receiver now."))
    return redirect("webhook-subscription", sub.pk)


@require_POST
@admins_only
def subscription_ping_view(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _subscription_or_404(pk)
    delivery = services.send_ping(subscription=sub)
    messages.info(request, _("A test event is on its way: its delivery shows the answer."))
    return redirect("webhook-delivery", delivery.pk)


@admins_only
def delivery_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in DeliveryStatus.values else ""
    event = request.GET.get("event", "")
    event = event if event in EVENTS or event == PING else ""
    sub_text = request.GET.get("subscription", "")
    sub_id = int(sub_text) if sub_text.isdigit() else None
    rows = selectors.deliveries(status=status, event=event, subscription_id=sub_id)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/delivery_list.html",
        {
            "page": page,
            "status": status,
            "event": event,
            "subscription_id": sub_id,
            "statuses": DeliveryStatus.choices,
            "events": [*EVENTS, PING],
            "subscriptions": list(selectors.subscriptions()),
        },
    )


@admins_only
def delivery_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery_or_404(pk)
    return render(
        request,
        "webhooks/delivery.html",
        {
            "delivery": delivery,
            "body": body_of(delivery.event).decode(),
            "attempts": list(delivery.attempt_log.order_by("-started_at", "-pk")),
        },
    )


@require_POST
@admins_only
def delivery_replay_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery_or_404(pk)
    try:
        services.replay_delivery(delivery=delivery, by=acting_user(request))
    except BadInput as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Replay queued: the event is sent again."))
    return redirect("webhook-delivery", delivery.pk)
