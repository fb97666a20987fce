"""Notes on the customer page: the panel, writing, changing and withdrawing a note, the
@mention suggestions and "notes mentioning me". Thin adapters over notes and
notes_selectors; every customer and note is fetched through the reader's portfolio."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from encaisse.accounts.models import User
from encaisse.accounts.permissions import acting_user, can_write_notes
from encaisse.collaboration.models import Note, NoteRevision
from encaisse.collaboration.note_text import render_note
from encaisse.collaboration.notes import (
    edit_note,
    may_change_note,
    note_url,
    withdraw_note,
    write_note,
)
from encaisse.collaboration.notes_forms import NoteEditForm, NoteForm
from encaisse.collaboration.notes_selectors import (
    customer_notes,
    mention_candidates,
    notes_mentioning,
    visible_note,
)
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers


@dataclass(frozen=True)
class NoteView:
    """A note as the panel shows it to one reader."""

    note: Note
    html: SafeString
    revisions: list[NoteRevision]
    changeable: bool


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _note_views(notes: list[Note], user: User) -> list[NoteView]:
    now = timezone.now()
    return [
        NoteView(
            note=note,
            html=render_note(note.body),
            revisions=list(note.revisions.all()),
            changeable=may_change_note(note, user, now=now),
        )
        for note in notes
    ]


def _note_form(customer: Customer, data: Any = None) -> NoteForm:
    return NoteForm(
        data,
        invoices=customer.invoices.open().order_by("due_date", "pk"),
        disputes=customer.disputes.filter(resolved_on__isnull=True),
    )


def _panel_context(
    request: HttpRequest, customer: Customer, form: NoteForm | None = None, error: str = ""
) -> dict[str, Any]:
    user = acting_user(request)
    may_write = can_write_notes(user)
    return {
        "customer": customer,
        "notes": _note_views(customer_notes(customer), user),
        "form": (form or _note_form(customer)) if may_write else None,
        "edit_minutes": settings.ENCAISSE_NOTE_EDIT_MINUTES,
        "change_error": error,
    }


def _card(
    request: HttpRequest, customer: Customer, form: NoteForm | None = None, error: str = ""
) -> HttpResponse:
    context = _panel_context(request, customer, form, error)
    return render(request, "collaboration/_notes_card.html", context)


def customer_notes_panel(request: HttpRequest, customer: Customer) -> str:
    """The notes part of the customer page: the box to write one, and the latest notes."""
    return render_to_string(
        "collaboration/_notes_panel.html", _panel_context(request, customer), request=request
    )


def _back(request: HttpRequest, customer: Customer, anchor: str = "notes") -> HttpResponse:
    return redirect(reverse("customer-detail", args=[customer.pk]) + f"#{anchor}")


@login_required
@require_POST
def note_write_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    if not can_write_notes(user):
        raise Http404
    form = _note_form(customer, request.POST)
    if form.is_valid():
        try:
            note = write_note(
                customer=customer,
                author=user,
                body=form.cleaned_data["body"],
                invoice=form.cleaned_data.get("invoice"),
                dispute=form.cleaned_data.get("dispute"),
            )
        except BadInput as error:
            form.add_service_error(error)
        else:
            if _is_htmx(request):
                return _card(request, customer)
            messages.success(request, _("Note saved."))
            return redirect(note_url(note))
    if _is_htmx(request):  # htmx swaps 2xx only: the card comes back with its errors
        return _card(request, customer, form)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))
    return _back(request, customer)


def _changeable_note(request: HttpRequest, note_id: int) -> tuple[User, Note]:
    user = acting_user(request)
    note = visible_note(user, note_id)
    if note is None:
        raise Http404
    return user, note


def _after_change(request: HttpRequest, note: Note, error: BadInput | None) -> HttpResponse:
    if _is_htmx(request):
        return _card(request, note.customer, error=str(error) if error else "")
    if error is not None:
        messages.error(request, str(error))
    return redirect(note_url(note))


@login_required
@require_POST
def note_edit_view(request: HttpRequest, note_id: int) -> HttpResponse:
    user, note = _changeable_note(request, note_id)
    form = NoteEditForm(request.POST)
    error: BadInput | None = None
    if not form.is_valid():
        error = BadInput(_("Note: write something before saving."))
    else:
        try:
            note = edit_note(note=note, by=user, body=form.cleaned_data["body"])
        except BadInput as refused:
            error = refused
    return _after_change(request, note, error)


@login_required
@require_POST
def note_withdraw_view(request: HttpRequest, note_id: int) -> HttpResponse:
    user, note = _changeable_note(request, note_id)
    try:
        note = withdraw_note(note=note, by=user)
    except BadInput as refused:
        return _after_change(request, note, refused)
    return _after_change(request, note, None)


@login_required
@require_GET
def mention_suggestions_view(request: HttpRequest, customer_pk: int) -> JsonResponse:
    """Who may be mentioned on this customer, as the note box's @ list asks (JSON)."""
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    users = mention_candidates(customer, request.GET.get("q", ""))
    return JsonResponse(
        {"users": [{"username": u.username, "name": str(u)} for u in users]},
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_GET
def notes_mentioning_me_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    notes = _note_views(notes_mentioning(user), user)
    return render(request, "collaboration/notes_mentioning_me.html", {"notes": notes})
