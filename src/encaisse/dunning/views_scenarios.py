"""Scenario and message-template pages: finance edits them, everyone signed in reads them.

Thin adapters: reads and writes go through ``dunning.services.scenarios``; a scenario and a
file obey the same rules. Scenarios and templates hold no customer data, so reading them
needs no portfolio; changing them is finance's (``can_run_dunning``): a POST from anyone
else is refused with 403, the edit pages are 404 for them like the other finance pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from encaisse.accounts.models import User
from encaisse.accounts.permissions import acting_user, can_run_dunning, is_read_only
from encaisse.core.errors import BadInput
from encaisse.dunning.composing.sandbox import ALLOWED_FILTERS, ALLOWED_TAGS, TemplateRefused
from encaisse.dunning.forms import (
    MessageTemplateForm,
    ScenarioForm,
    ScenarioImportForm,
    StepFormSet,
    scenario_spec,
    step_initial,
)
from encaisse.dunning.labels import actor_label, channel_label
from encaisse.dunning.models import Scenario
from encaisse.dunning.selectors import (
    default_scenario,
    message_templates,
    recorded_step_keys,
    scenario_overview,
    scenarios,
    segment_owners,
    template_keys,
)
from encaisse.dunning.services.scenarios import (
    ImportReport,
    export_scenario,
    import_scenario,
    preview_message_template,
    save_message_template,
    save_scenario,
    template_variables,
)


def _may_edit(user: User) -> bool:
    return can_run_dunning(user) and not is_read_only(user)


def _editor(request: HttpRequest) -> User:
    """The user, if they may change scenarios: POST from others is 403, a page 404."""
    user = acting_user(request)
    if not _may_edit(user):
        if request.method == "POST":
            raise PermissionDenied
        raise Http404
    return user


def _step_labels(step: Any) -> dict[str, Any]:
    return {
        "step": step,
        "channel": channel_label(step.channel),
        "actor": actor_label(step.actor),
    }


# ------------------------------------------------------------------------------ scenarios


def _scenario_list(
    request: HttpRequest, *, import_problems: list[str] | None = None, filename: str = ""
) -> HttpResponse:
    user = acting_user(request)
    rows = [
        {"overview": row, "steps": [_step_labels(step) for step in row.steps]}
        for row in scenario_overview()
    ]
    return render(
        request,
        "dunning/scenario_list.html",
        {
            "rows": rows,
            "can_edit": _may_edit(user),
            "import_form": ScenarioImportForm(),
            "import_problems": import_problems or [],
            "import_filename": filename,
        },
        status=400 if import_problems else 200,
    )


@login_required
@require_GET
def scenario_list_view(request: HttpRequest) -> HttpResponse:
    return _scenario_list(request)


def _announce(request: HttpRequest, report: ImportReport, sentence: str) -> None:
    """What was saved, then what moved with it (segments taken over, a new default)."""
    messages.success(request, sentence % {"name": report.scenario.name})
    for note in report.notes:
        messages.warning(request, note[:1].upper() + note[1:] + ".")


def _scenario_form_page(request: HttpRequest, scenario: Scenario | None) -> HttpResponse:
    _editor(request)
    owners = segment_owners()
    keys = template_keys()
    recorded = recorded_step_keys(scenario) if scenario is not None else set()
    adding = request.method == "POST" and "add" in request.POST
    if request.method == "POST":
        data = request.POST.copy()
        if adding:  # one more empty row, nothing saved, no error shown yet
            total = data.get("steps-TOTAL_FORMS", "0")
            data["steps-TOTAL_FORMS"] = str(int(total) + 1 if total.isdigit() else 1)
        form = ScenarioForm(data, owners=owners, scenario=scenario, quiet=adding)
        steps = StepFormSet(
            data,
            prefix="steps",
            form_kwargs={"template_keys": keys, "quiet": adding},
            recorded=recorded,
        )
        if not adding and form.is_valid() and steps.is_valid():
            try:
                report = save_scenario(
                    scenario_spec(form, steps), scenario, must_be_new=scenario is None
                )
            except BadInput as error:
                form.add_error(None, str(error))
            else:
                _announce(
                    request,
                    report,
                    _("Scenario “%(name)s” created.")
                    if report.created
                    else _("Scenario “%(name)s” saved."),
                )
                return redirect("dunning-scenarios")
    else:
        initial: dict[str, Any] = {}
        rows: list[dict[str, Any]] = []
        if scenario is not None:
            initial = {
                "name": scenario.name,
                "description": scenario.description,
                "segments": [link.segment for link in scenario.segments.all()],
                "is_default": scenario.is_default,
            }
            rows = step_initial(scenario.steps.order_by("position"))
        form = ScenarioForm(initial=initial, owners=owners, scenario=scenario)
        steps = StepFormSet(
            initial=rows,
            prefix="steps",
            form_kwargs={"template_keys": keys},
            recorded=recorded,
        )
        if not rows:
            steps.extra = 1
    current_default = default_scenario()
    return render(
        request,
        "dunning/scenario_form.html",
        {
            "scenario": scenario,
            "form": form,
            "steps": steps,
            "show_errors": request.method == "POST" and not adding,
            "recorded": recorded,
            "current_default": (
                current_default
                if current_default is not None and current_default != scenario
                else None
            ),
        },
    )


@login_required
def scenario_new_view(request: HttpRequest) -> HttpResponse:
    return _scenario_form_page(request, None)


@login_required
def scenario_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    return _scenario_form_page(request, get_object_or_404(scenarios(), pk=pk))


@login_required
@require_GET
def scenario_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same YAML as ``encaisse scenario export``."""
    acting_user(request)
    scenario = get_object_or_404(scenarios(), pk=pk)
    response = HttpResponse(export_scenario(scenario), content_type="application/yaml")
    filename = slugify(scenario.name) or f"scenario-{scenario.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.yaml"'
    return response


@login_required
@require_POST
def scenario_import_view(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = ScenarioImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a YAML file to import."))
        return redirect("dunning-scenarios")
    try:
        report = import_scenario(form.text())
    except BadInput as error:
        problems = [part.strip() for part in str(error).split("; ") if part.strip()]
        return _scenario_list(
            request, import_problems=problems, filename=form.cleaned_data["file"].name
        )
    _announce(
        request,
        report,
        _("Scenario “%(name)s” created from the file.")
        if report.created
        else _("Scenario “%(name)s” updated from the file."),
    )
    return redirect("dunning-scenarios")


# ----------------------------------------------------------------------- message templates


@login_required
@require_GET
def template_list_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "dunning/template_list.html",
        {"templates": message_templates(), "can_edit": _may_edit(user)},
    )


@login_required
def template_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    template = get_object_or_404(message_templates(), pk=pk)
    if request.method == "POST":
        form = MessageTemplateForm(request.POST)
        if form.is_valid():
            try:
                save_message_template(
                    template=template,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except TemplateRefused as error:
                for problem in error.problems:
                    form.add_error("body", problem)
            else:
                messages.success(
                    request, _("Template “%(template)s” saved.") % {"template": str(template)}
                )
                return redirect("dunning-templates")
    else:
        form = MessageTemplateForm(initial={"subject": template.subject, "body": template.body})
    subject = form["subject"].value() or ""
    body = form["body"].value() or ""
    return render(
        request,
        "dunning/template_form.html",
        {
            "template": template,
            "form": form,
            "variables": template_variables(),
            "tags": ALLOWED_TAGS,
            "filters": ALLOWED_FILTERS,
            "preview": preview_message_template(
                subject=subject, body=body, language=template.language
            ),
        },
    )


@login_required
@require_POST
def template_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview panel (HTMX): the subject and body as sent, or why they do not render."""
    _editor(request)
    template = get_object_or_404(message_templates(), pk=pk)
    preview = preview_message_template(
        subject=request.POST.get("subject", ""),
        body=request.POST.get("body", ""),
        language=template.language,
    )
    return render(request, "dunning/template_preview.html", {"preview": preview})
