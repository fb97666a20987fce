"""The import pages: upload a file, follow its progress, read the report.

Finance and administrators only; anyone else gets a 404, as for a customer outside their
portfolio (the pages show customers of every portfolio).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import acting_user, can_import_ledger
from encaisse.imports.fields import SCHEMAS, Kind
from encaisse.imports.file_kinds import file_kinds
from encaisse.imports.forms import ImportForm
from encaisse.imports.models import ImportKind
from encaisse.imports.report import import_report
from encaisse.imports.selectors import import_runs, legal_entity_codes
from encaisse.imports.services import queue_upload

ledger_importers_only = allowed_or_404(can_import_ledger)


@ledger_importers_only
def import_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(import_runs(), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/import_list.html", {"page": page})


@ledger_importers_only
def import_new_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    entities = legal_entity_codes()
    form = ImportForm(request.POST or None, request.FILES or None, entities=entities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = queue_upload(
            kind=data["kind"],
            upload=data["file"],
            user=user,
            entity=data.get("entity") or None,
            mapping=data["mapping_rules"],
            partial=data["partial"],
            create_missing=data["create_missing"],
            payment_terms_days=data.get("payment_terms_days"),
        )
        return redirect("import-detail", pk=run.pk)
    labels = dict(ImportKind.choices)
    fields = [(labels.get(kind.value, kind.value), SCHEMAS[kind]) for kind in Kind]
    fields += [
        (labels.get(name, name), SCHEMAS[name])
        for name, kind in sorted(file_kinds().items())
        if kind.mappable
    ]
    other_kinds = [
        {"name": labels.get(name, name), "help": file_kinds()[name].help}
        for name in sorted(file_kinds())
    ]
    return render(
        request,
        "imports/import_form.html",
        {"form": form, "fields": fields, "other_kinds": other_kinds},
    )


@ledger_importers_only
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(import_runs(), pk=pk)
    template = (
        "imports/_run_status.html"
        if request.headers.get("HX-Request")
        else "imports/import_detail.html"
    )
    return render(request, template, {"run": run, "report": import_report(run)})


@ledger_importers_only
def import_rejects_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = get_object_or_404(import_runs(), pk=pk)
    path = Path(run.rejects_file) if run.rejects_file else None
    if path is None or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
