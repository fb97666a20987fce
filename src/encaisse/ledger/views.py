"""Customer pages: thin adapters over ledger.selectors, scoped by ledger.scoping; and the
company page (the legal entities), finance's and the administrator's, over ledger.services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from stdnum import iban as std_iban

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import acting_user, can_edit_company
from encaisse.core.dates import today
from encaisse.core.panels import customer_actions, invoice_actions, render_customer_panels
from encaisse.ledger.forms import CustomerFilterForm, LegalEntityForm, LogoForm
from encaisse.ledger.models import LegalEntity
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.selectors import (
    CustomerFilters,
    customer_list,
    customer_open_items,
    customer_paid_invoices,
    customer_payments,
    customer_position,
    invoices_with_documents,
    legal_entities,
    portfolio_agencies,
    portfolio_reps,
    visible_invoice_document,
)
from encaisse.ledger.services import (
    InvalidLegalEntity,
    create_legal_entity,
    set_legal_entity_logo,
    update_legal_entity,
)


@login_required
def customer_list_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = CustomerFilterForm(
        request.GET or None, agencies=portfolio_agencies(user), reps=portfolio_reps(user)
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = CustomerFilters(
        search=data.get("q") or "",
        segment=data.get("segment") or "",
        agency_id=data.get("agency"),
        sales_rep_id=data.get("rep"),
        overdue_only=bool(data.get("overdue")),
        sort=data.get("sort") or "-overdue",
    )
    as_of = today()
    page = Paginator(customer_list(user, filters, today=as_of), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "filters": filters, "today": as_of}
    template = (
        "ledger/_customer_rows.html"
        if request.headers.get("HX-Request")
        else "ledger/customer_list.html"
    )
    return render(request, template, context)


@login_required
def customer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    customer = get_object_or_404(
        visible_customers(user).select_related("sales_rep", "agency", "entity"), pk=pk
    )
    as_of = today()
    open_items = list(customer_open_items(customer))
    paid_invoices = list(customer_paid_invoices(customer)[:20])
    context = {
        "customer": customer,
        "position": customer_position(customer, today=as_of),
        "open_items": open_items,
        "payments": customer_payments(customer)[:20],
        "paid_invoices": paid_invoices,
        "with_pdf": invoices_with_documents([i.pk for i in open_items + paid_invoices]),
        "contacts": customer.contacts.all(),
        "panels": render_customer_panels(request, customer),
        "invoice_actions": invoice_actions(user),
        "customer_actions": customer_actions(user),
        "today": as_of,
    }
    return render(request, "ledger/customer_detail.html", context)


@login_required
@require_GET
def invoice_document_view(request: HttpRequest, pk: int) -> FileResponse:
    """The invoice's PDF, for whoever may see the invoice's customer (404 for anyone else)."""
    document = visible_invoice_document(acting_user(request), pk)
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = document.original_name or f"{document.invoice.number}.pdf"
    response = FileResponse(handle, content_type="application/pdf", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------- the company page

company_editors_only = allowed_or_404(can_edit_company)


def _grouped_iban(iban: str) -> str:
    """An IBAN in groups of four, as printed on a bank statement (stored compact)."""
    return std_iban.format(iban) if iban else ""


@company_editors_only
def company_view(request: HttpRequest) -> HttpResponse:
    """The legal entities, with their identifiers and bank details."""
    rows = [{"entity": entity, "iban": _grouped_iban(entity.iban)} for entity in legal_entities()]
    return render(request, "ledger/company.html", {"rows": rows})


def _legal_entity_page(
    request: HttpRequest,
    form: LegalEntityForm,
    entity: LegalEntity | None,
    logo_form: LogoForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "ledger/legal_entity_form.html",
        {"form": form, "entity": entity, "logo_form": logo_form or LogoForm()},
    )


@company_editors_only
@require_POST
def legal_entity_logo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The logo printed on the entity's letters: upload one, or remove it."""
    entity = get_object_or_404(legal_entities(), pk=pk)
    logo_form = LogoForm(request.POST, request.FILES)
    if logo_form.is_valid():
        upload = logo_form.cleaned_data["logo"]
        try:
            if request.POST.get("remove"):
                set_legal_entity_logo(entity=entity, content=None)
                messages.success(request, _("Logo removed."))
            elif upload is None:
                raise InvalidLegalEntity({"logo": _("choose a PNG or JPEG file")})
            else:
                set_legal_entity_logo(entity=entity, content=upload.read(LOGO_READ))
                messages.success(request, _("Logo saved: it heads the letters."))
            return redirect("legal-entity-edit", pk=entity.pk)
        except InvalidLegalEntity as error:
            logo_form.add_error("logo", error.errors.get("logo", str(error)))
    initial = {name: getattr(entity, name) for name in LegalEntityForm.base_fields}
    initial["iban"] = _grouped_iban(entity.iban)
    return _legal_entity_page(request, LegalEntityForm(initial=initial), entity, logo_form)


LOGO_READ = 1024 * 1024 + 1  # one byte more than allowed: the service says it is too large


@login_required
def legal_entity_logo_file_view(request: HttpRequest, pk: int) -> FileResponse:
    """The logo itself (a PNG or JPEG the service checked), for the company page."""
    entity = get_object_or_404(legal_entities(), pk=pk)
    if not entity.logo:
        raise Http404
    kind = "image/png" if entity.logo.name.endswith(".png") else "image/jpeg"
    return FileResponse(entity.logo.open("rb"), content_type=kind)


@company_editors_only
def legal_entity_new_view(request: HttpRequest) -> HttpResponse:
    form = LegalEntityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entity = create_legal_entity(**form.cleaned_data)
        except InvalidLegalEntity as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Legal entity %(code)s created.") % {"code": entity.code})
            return redirect("company")
    return _legal_entity_page(request, form, None)


@company_editors_only
def legal_entity_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(legal_entities(), pk=pk)
    if request.method == "POST":
        form = LegalEntityForm(request.POST)
        if form.is_valid():
            try:
                changed = update_legal_entity(entity=entity, **form.cleaned_data)
            except InvalidLegalEntity as error:
                form.add_service_errors(error)
            else:
                message = (
                    _("Legal entity %(code)s saved.")
                    if changed
                    else _("Legal entity %(code)s: nothing changed.")
                )
                messages.success(request, message % {"code": entity.code})
                return redirect("company")
    else:
        initial = {name: getattr(entity, name) for name in LegalEntityForm.base_fields}
        initial["iban"] = _grouped_iban(entity.iban)
        form = LegalEntityForm(initial=initial)
    return _legal_entity_page(request, form, entity)
