"""Scenarios as YAML or from the scenario page: check, save (create or update), export.

```yaml
name: Standard
segments: [sme, small]        # omit or empty: the default scenario
steps:
  - {key: courtesy, offset_days: -5, channel: email, actor: finance, template: courtesy}
  - {key: call, offset_days: 30, channel: call, actor: sales_rep}
```
A file and the page obey the same rules (``check_step``): every problem in a file is reported
with the line it is on, on the page with the row and field; nothing is written unless all is
valid. ``import_scenario(text)`` is ``parse_scenario`` then ``save_scenario``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from encaisse.core.errors import BadInput
from encaisse.dunning.composing.facts import sample_facts
from encaisse.dunning.composing.sandbox import TemplateRefused, check_template
from encaisse.dunning.composing.variables import MESSAGE_VARIABLES
from encaisse.dunning.engine import Actor, Channel
from encaisse.dunning.models import (
    MessageTemplate,
    Scenario,
    ScenarioSegment,
    Step,
)
from encaisse.dunning.services.outbox import render_message
from encaisse.ledger.models import Segment

STEP_FIELDS = {
    "key",
    "offset_days",
    "channel",
    "actor",
    "template",
    "requires_approval",
    "min_amount",
}
TOP_FIELDS = {"name", "description", "segments", "steps"}
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


@dataclass(frozen=True)
class StepSpec:
    key: str
    offset_days: int
    channel: str
    actor: str
    template: str
    requires_approval: bool
    min_amount: Decimal


@dataclass(frozen=True)
class ScenarioSpec:
    name: str
    description: str
    segments: tuple[str, ...]
    steps: tuple[StepSpec, ...]


@dataclass
class ImportReport:
    scenario: Scenario
    created: bool
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """What is wrong with a step, and which field it is about ("" for the step as a whole)."""

    field: str
    message: str


# ------------------------------------------------------------------------------- rules


def check_step(
    values: Mapping[str, Any], *, previous: StepSpec | None, seen: Mapping[str, str]
) -> tuple[StepSpec, list[Problem]]:
    """The rules every step obeys, whether it comes from a file or from the page.

    ``values`` are the step's fields (YAML scalars or form values); ``previous`` the step
    before it; ``seen`` the keys of the steps before it, each with where it is ("line 4",
    "step 2"). Returns the step (with neutral values where a field is wrong) and its problems.
    """
    problems: list[Problem] = []
    for name in sorted(values.keys() - STEP_FIELDS):
        problems.append(Problem("", _("unknown step field '%(field)s'") % {"field": name}))
    for required in ("key", "offset_days", "channel"):
        if values.get(required) in (None, ""):
            problems.append(
                Problem(required, _("step field '%(field)s' is required") % {"field": required})
            )
    key = str(values.get("key") or "")
    if key and not KEY_PATTERN.match(key):
        problems.append(
            Problem("key", _("key '%(key)s': use lowercase letters, digits, _ or -") % {"key": key})
        )
    if key and key in seen:
        problems.append(
            Problem(
                "key",
                _("key '%(key)s' is already used at %(where)s") % {"key": key, "where": seen[key]},
            )
        )
    offset = values.get("offset_days")
    if (
        offset is not None
        and offset != ""
        and (isinstance(offset, bool) or not isinstance(offset, int))
    ):
        problems.append(
            Problem(
                "offset_days",
                _("offset_days '%(value)s' must be a whole number of days") % {"value": offset},
            )
        )
        offset = None
    channel = str(values.get("channel") or "")
    if channel and channel not in Channel.__members__.values():
        problems.append(
            Problem(
                "channel",
                _("unknown channel '%(channel)s' (expected %(expected)s)")
                % {"channel": channel, "expected": ", ".join(c.value for c in Channel)},
            )
        )
    actor = str(values.get("actor") or Actor.FINANCE.value)
    if actor not in Actor.__members__.values():
        problems.append(
            Problem(
                "actor",
                _("unknown actor '%(actor)s' (expected %(expected)s)")
                % {"actor": actor, "expected": ", ".join(a.value for a in Actor)},
            )
        )
    template = str(values.get("template") or "")
    if channel in Channel.written() and not template:
        message = (
            _("an email step needs a template")
            if channel == "email"
            else _("a %(channel)s step needs a template") % {"channel": channel}
        )
        problems.append(Problem("template", message))
    approval = values.get("requires_approval", False)
    if not isinstance(approval, bool):
        problems.append(Problem("requires_approval", _("requires_approval must be true or false")))
        approval = False
    try:
        min_amount = Decimal(str(values.get("min_amount", 0) or 0))
        if min_amount < 0 or not min_amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.append(
            Problem(
                "min_amount",
                _("min_amount '%(value)s' must be a positive amount")
                % {"value": values.get("min_amount")},
            )
        )
        min_amount = Decimal(0)
    if isinstance(offset, int) and previous is not None and offset <= previous.offset_days:
        problems.append(
            Problem(
                "offset_days",
                _(
                    "offset_days %(offset)s must come after the previous step's %(previous)s "
                    "(steps go in order of days)"
                )
                % {"offset": offset, "previous": previous.offset_days},
            )
        )
    step = StepSpec(
        key=key,
        offset_days=offset if isinstance(offset, int) else 0,
        channel=channel,
        actor=actor,
        template=template,
        requires_approval=approval,
        min_amount=min_amount,
    )
    return step, problems


# ------------------------------------------------------------------------------- YAML


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _at(line: int) -> str:
    return _("line %(line)s") % {"line": line}


def _scalar(node: yaml.Node) -> Any:
    """A plain Python value for a scalar node (YAML 1.1 types, as safe_load gives them)."""
    return yaml.safe_load(yaml.serialize(node))


def _mapping(node: yaml.Node, what: str, errors: list[str]) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        errors.append(
            _("%(at)s: %(what)s must be a mapping of keys to values")
            % {"at": _at(_line(node)), "what": what}
        )
        return {}
    result: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in result:
            errors.append(
                _("%(at)s: %(what)s: '%(key)s' is given twice")
                % {"at": _at(_line(key_node)), "what": what, "key": key}
            )
        result[key] = value_node
    return result


def parse_scenario(text: str) -> ScenarioSpec:
    """Read and check a scenario's YAML; BadInput lists every problem with its line."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{_at(mark.line + 1)}: " if mark else ""
        problem = getattr(error, "problem", error)
        raise BadInput(
            _("%(where)snot valid YAML (%(problem)s)") % {"where": where, "problem": problem}
        ) from None
    if root is None:
        raise BadInput(_("the file is empty"))
    errors: list[str] = []
    top = _mapping(root, _("the scenario"), errors)
    for key, node in top.items():
        if key not in TOP_FIELDS:
            errors.append(
                _("%(at)s: unknown field '%(field)s' (expected %(expected)s)")
                % {"at": _at(_line(node)), "field": key, "expected": ", ".join(sorted(TOP_FIELDS))}
            )
    name = _scalar(top["name"]) if "name" in top else None
    if not isinstance(name, str) or not name.strip():
        errors.append(
            _("%(at)s: 'name' is required (text)") % {"at": _at(_line(top.get("name", root)))}
        )
        name = ""
    description = str(_scalar(top["description"]) or "") if "description" in top else ""
    segments: list[str] = []
    if "segments" in top and _scalar(top["segments"]) is not None:
        node = top["segments"]
        if not isinstance(node, yaml.SequenceNode):
            errors.append(_("%(at)s: 'segments' must be a list") % {"at": _at(_line(node))})
        else:
            for item in node.value:
                value = str(_scalar(item))
                if value not in Segment.values:
                    errors.append(
                        _("%(at)s: unknown segment '%(segment)s' (expected %(expected)s)")
                        % {
                            "at": _at(_line(item)),
                            "segment": value,
                            "expected": ", ".join(Segment.values),
                        }
                    )
                elif value in segments:
                    errors.append(
                        _("%(at)s: segment '%(segment)s' is listed twice")
                        % {"at": _at(_line(item)), "segment": value}
                    )
                else:
                    segments.append(value)
    steps = _parse_steps(top.get("steps"), root, errors)
    if errors:
        raise BadInput("; ".join(errors))
    return ScenarioSpec(
        name=name.strip(), description=description, segments=tuple(segments), steps=tuple(steps)
    )


def _parse_steps(node: yaml.Node | None, root: yaml.Node, errors: list[str]) -> list[StepSpec]:
    if node is None or not isinstance(node, yaml.SequenceNode) or not node.value:
        errors.append(
            _("%(at)s: 'steps' must be a non-empty list") % {"at": _at(_line(node or root))}
        )
        return []
    steps: list[StepSpec] = []
    seen: dict[str, str] = {}
    for step_node in node.value:
        line = _line(step_node)
        fields = _mapping(step_node, _("step at line %(line)s") % {"line": line}, errors)
        values = {key: _scalar(value) for key, value in fields.items()}
        step, problems = check_step(values, previous=steps[-1] if steps else None, seen=seen)
        errors.extend(f"{_at(line)}: {problem.message}" for problem in problems)
        if step.key:
            seen.setdefault(step.key, _at(line))
        steps.append(step)
    return steps


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
