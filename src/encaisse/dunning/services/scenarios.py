"""Scenarios as YAML or from the scenario page: check, save (create or update), export.

The rules a scenario obeys are its schema (``scenario_schema``): a file and the page obey
the same ones (``check_step``); every problem in a file is reported with the line it is on,
on the page with the row and field; nothing is written unless all is valid.
``import_scenario(text)`` is ``parse_scenario`` then ``save_scenario``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from encaisse.core.errors import BadInput
from encaisse.dunning.composing.facts import sample_facts
from encaisse.dunning.composing.sandbox import TemplateRefused, check_template
from encaisse.dunning.composing.variables import MESSAGE_VARIABLES
from encaisse.dunning.models import (
    MessageTemplate,
    Scenario,
    ScenarioSegment,
    Step,
)
from encaisse.dunning.services.outbox import render_message
from encaisse.dunning.services.scenario_schema import (
    KEY_PATTERN,
    STEP_FIELDS,
    TOP_FIELDS,
    Problem,
    ScenarioSpec,
    StepSpec,
    check_step,
    parse_scenario,
)

__all__ = [
    "KEY_PATTERN",
    "STEP_FIELDS",
    "TOP_FIELDS",
    "ImportReport",
    "Problem",
    "ScenarioSpec",
    "StepSpec",
    "check_step",
    "export_scenario",
    "import_scenario",
    "parse_scenario",
    "save_scenario",
]


@dataclass
class ImportReport:
    scenario: Scenario
    created: bool
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------ saving


def import_scenario(text: str) -> ImportReport:
    """Create or update (by name) a scenario from YAML; its segments are taken over."""
    return save_scenario(parse_scenario(text))


@transaction.atomic
def save_scenario(
    spec: ScenarioSpec, scenario: Scenario | None = None, *, must_be_new: bool = False
) -> ImportReport:
    """Write a checked scenario: ``scenario`` is updated (and renamed) when given, otherwise
    the scenario of that name is updated or created (``must_be_new``: refused if it exists).

    The segments it names are taken over from other scenarios; without segments it becomes
    the default scenario. A step with reminders recorded cannot go. The notes say what moved.
    """
    taken = Scenario.objects.filter(name=spec.name)
    if scenario is not None:
        if taken.exclude(pk=scenario.pk).exists():
            raise BadInput(_("a scenario named '%(name)s' already exists") % {"name": spec.name})
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        scenario.name = spec.name
        created = False
    elif must_be_new:
        if taken.exists():
            raise BadInput(_("a scenario named '%(name)s' already exists") % {"name": spec.name})
        scenario, created = Scenario.objects.create(name=spec.name), True
    else:
        scenario, created = Scenario.objects.get_or_create(name=spec.name)
    report = ImportReport(scenario=scenario, created=created)
    scenario.description = spec.description
    if spec.segments:
        for link in (
            ScenarioSegment.objects.filter(segment__in=spec.segments)
            .exclude(scenario=scenario)
            .select_related("scenario")
        ):
            report.notes.append(
                _("segment '%(segment)s' moves from scenario '%(scenario)s'")
                % {"segment": link.segment, "scenario": link.scenario.name}
            )
        ScenarioSegment.objects.filter(scenario=scenario).exclude(
            segment__in=spec.segments
        ).delete()
        for segment in spec.segments:
            ScenarioSegment.objects.update_or_create(
                segment=segment, defaults={"scenario": scenario}
            )
        scenario.is_default = False
    else:
        ScenarioSegment.objects.filter(scenario=scenario).delete()
        previous = Scenario.objects.filter(is_default=True).exclude(pk=scenario.pk).first()
        if previous is not None:
            report.notes.append(
                _("'%(name)s' replaces '%(previous)s' as the default scenario")
                % {"name": spec.name, "previous": previous.name}
            )
            Scenario.objects.filter(pk=previous.pk).update(is_default=False)
        scenario.is_default = True
    scenario.save()
    _replace_steps(scenario, spec.steps)
    return report


def _replace_steps(scenario: Scenario, steps: tuple[StepSpec, ...]) -> None:
    existing = {step.key: step for step in scenario.steps.all()}
    removed = [step for key, step in existing.items() if key not in {s.key for s in steps}]
    for step in removed:
        if step.actions.exists():
            raise BadInput(
                _(
                    "step '%(key)s' of '%(scenario)s' has reminders recorded: keep it "
                    "in the file (change its days or channel instead)"
                )
                % {"key": step.key, "scenario": scenario.name}
            )
        step.delete()
    # Positions are unique: move the kept steps out of the way before renumbering.
    Step.objects.filter(scenario=scenario).update(position=F("position") + 1000)
    for position, spec in enumerate(steps, start=1):
        Step.objects.update_or_create(
            scenario=scenario,
            key=spec.key,
            defaults={
                "position": position,
                "offset_days": spec.offset_days,
                "channel": spec.channel,
                "actor": spec.actor,
                "template": spec.template,
                "requires_approval": spec.requires_approval,
                "min_amount": spec.min_amount,
            },
        )


def export_scenario(scenario: Scenario) -> str:
    """The scenario as YAML, in the shape import_scenario reads."""
    data: dict[str, Any] = {"name": scenario.name}
    if scenario.description:
        data["description"] = scenario.description
    data["segments"] = sorted(scenario.segments.values_list("segment", flat=True))
    data["steps"] = []
    for step in scenario.steps.order_by("position"):
        entry: dict[str, Any] = {
            "key": step.key,
            "offset_days": step.offset_days,
            "channel": step.channel,
            "actor": step.actor,
        }
        if step.template:
            entry["template"] = step.template
        if step.requires_approval:
            entry["requires_approval"] = True
        if step.min_amount:
            entry["min_amount"] = str(step.min_amount)
        data["steps"].append(entry)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None)


# --------------------------------------------------------------------- message templates


@dataclass(frozen=True)
class Preview:
    """A template rendered with the sample context, or why it does not render."""

    subject: str
    body: str
    error: str
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentedVariable:
    """A variable as the editor lists it: its name, what it is, and its fields."""

    name: str
    help: str
    fields: list[tuple[str, str]]


def template_variables() -> list[DocumentedVariable]:
    """Every variable a template may use (``MESSAGE_VARIABLES``), with its fields."""
    documented = []
    for name, variable in MESSAGE_VARIABLES.items():
        fields = variable.item.fields if variable.item is not None else variable.fields
        documented.append(
            DocumentedVariable(
                name=name,
                help=str(variable.help),
                fields=[(key, str(about.help)) for key, about in fields.items()],
            )
        )
    return documented


def preview_message_template(*, subject: str, body: str, language: str = "fr") -> Preview:
    """Render a subject and body in the sandbox with a made-up message; a refused template
    says why, each problem with its line (the subject's said to be the subject's)."""
    problems = [
        _("Subject: %(problem)s") % {"problem": problem} for problem in check_template(subject)
    ] + check_template(body)
    if not problems:
        try:
            rendered = render_message(subject, body, sample_facts(language))
        except TemplateRefused as error:  # the budget: too many turns, too long, too slow
            problems = error.problems
        else:
            return Preview(subject=rendered[0], body=rendered[1], error="")
    return Preview(subject="", body="", error=" ".join(problems), problems=problems)


@transaction.atomic
def save_message_template(*, template: MessageTemplate, subject: str, body: str) -> MessageTemplate:
    """Change a template's subject and body; TemplateRefused (each problem with its line and
    what exists instead) when it reads outside its variables or costs too much."""
    preview = preview_message_template(subject=subject, body=body, language=template.language)
    if preview.problems:
        raise TemplateRefused(*preview.problems)
    template.subject = subject
    template.body = body
    template.save(update_fields=["subject", "body"])
    return template


# ------------------------------------------------------------------- reads for the pages
