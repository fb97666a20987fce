"""My day, a task, notifications: thin adapters over collaboration's selectors and services.

Tasks and notifications are fetched through the user's scope (404 outside it, or when the
user may not act), never with ``Model.objects``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from encaisse.accounts.permissions import acting_user
from encaisse.collaboration.forms import TaskOutcomeForm
from encaisse.collaboration.models import Task
from encaisse.collaboration.permissions import can_record_task_outcome
from encaisse.collaboration.selectors import (
    latest_unread_notifications,
    my_day,
    recent_notifications,
    task_card,
    team_tasks,
    visible_notification,
    visible_task,
)
from encaisse.collaboration.services import mark_notifications_read, record_task_outcome
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.core.http import safe_next


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def my_day_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    as_of = today()
    context = {
        "day": my_day(user, as_of),
        "team": team_tasks(user, as_of),
        "form": TaskOutcomeForm(today=as_of),
        "today": as_of,
    }
    return render(request, "collaboration/my_day.html", context)


@login_required
def task_detail_view(request: HttpRequest, task_id: int) -> HttpResponse:
    user = acting_user(request)
    task = visible_task(user, task_id)
    if task is None:
        raise Http404
    as_of = today()
    context = {
        "card": task_card(task, as_of),
        "form": TaskOutcomeForm(today=as_of),
        "can_record": can_record_task_outcome(user, task),
        "today": as_of,
    }
    return render(request, "collaboration/task_detail.html", context)


def _done_message(task: Task) -> str:
    return _("%(customer)s: %(outcome)s, saved.") % {
        "customer": task.customer.name,
        "outcome": task.get_outcome_display(),
    }


@login_required
@require_POST
def task_outcome_view(request: HttpRequest, task_id: int) -> HttpResponse:
    user = acting_user(request)
    task = visible_task(user, task_id)
    if task is None or not can_record_task_outcome(user, task):
        raise Http404
    if not task.is_open:  # a second tap, or someone else was quicker
        if _is_htmx(request):
            return render(request, "collaboration/_task_done.html", {"task": task})
        return redirect("task-detail", task_id=task.pk)
    as_of = today()
    form = TaskOutcomeForm(request.POST, today=as_of)
    if form.is_valid():
        try:
            task = record_task_outcome(task=task, by=user, on=as_of, **form.service_arguments())
        except BadInput as error:
            form.add_service_error(error)
        else:
            if _is_htmx(request):
                return render(request, "collaboration/_task_done.html", {"task": task})
            messages.success(request, _done_message(task))
            return redirect(safe_next(request, reverse("my-day")))
    context = {
        "card": task_card(task, as_of),
        "form": form,
        "can_record": True,
        "today": as_of,
        "next_url": safe_next(request, reverse("my-day")),
    }
    if _is_htmx(request):  # htmx swaps 2xx only: the card comes back with its errors
        return render(request, "collaboration/_task_card.html", context)
    return render(request, "collaboration/task_detail.html", context, status=400)


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    notifications = recent_notifications(user)
    context = {
        "notifications": notifications,
        "has_unread": any(n.read_at is None for n in notifications),
    }
    return render(request, "collaboration/notification_list.html", context)


@login_required
@require_POST
def notifications_read_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    mark_notifications_read(user=user, ids=ids or None)
    return redirect(safe_next(request, "notification-list"))


@require_GET
def notification_bell_view(request: HttpRequest) -> HttpResponse:
    """The bell again (its count), for the page's polling. Nothing (204: htmx leaves the
    bell as it is) once the session is over, rather than a login page inside the bar."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "collaboration/_bell.html")


@require_GET
def notification_latest_view(request: HttpRequest) -> HttpResponse:
    """The bell's menu: the latest unread notifications of the user, and nobody else's."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    user = acting_user(request)
    back = urlsplit(request.headers.get("HX-Current-URL", "")).path or reverse("my-day")
    context = {"latest": latest_unread_notifications(user), "back": back}
    return render(request, "collaboration/_bell_menu.html", context)


@login_required
@require_POST
def notification_open_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Read a notification and go where it points."""
    user = acting_user(request)
    notification = visible_notification(user, notification_id)
    if notification is None:
        raise Http404
    mark_notifications_read(user=user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notification-list")
