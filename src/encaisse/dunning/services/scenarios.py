"""Scenarios as YAML: import (create or update by name) and export.

```yaml
name: Standard
segments: [sme, small]        # omit or empty: the default scenario
steps:
  - {key: courtesy, offset_days: -5, channel: email, actor: finance, template: courtesy}
  - {key: call, offset_days: 30, channel: call, actor: sales_rep}
```
Every problem is reported with the line it is on; nothing is written unless all is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import transaction
from django.db.models import F

from encaisse.core.errors import BadInput
from encaisse.dunning.engine import Actor, Channel
from encaisse.dunning.models import Scenario, ScenarioSegment, Step
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


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node) -> Any:
    """A plain Python value for a scalar node (YAML 1.1 types, as safe_load gives them)."""
    return yaml.safe_load(yaml.serialize(node))


def _mapping(node: yaml.Node, what: str, errors: list[str]) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        errors.append(f"line {_line(node)}: {what} must be a mapping of keys to values")
        return {}
    result: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in result:
            errors.append(f"line {_line(key_node)}: {what}: '{key}' is given twice")
        result[key] = value_node
    return result


def parse_scenario(text: str) -> ScenarioSpec:
    """Read and check a scenario's YAML; BadInput lists every problem with its line."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise BadInput(f"{where}not valid YAML ({getattr(error, 'problem', error)})") from None
    if root is None:
        raise BadInput("the file is empty")
    errors: list[str] = []
    top = _mapping(root, "the scenario", errors)
    for key, node in top.items():
        if key not in TOP_FIELDS:
            errors.append(
                f"line {_line(node)}: unknown field '{key}' "
                f"(expected {', '.join(sorted(TOP_FIELDS))})"
            )
    name = _scalar(top["name"]) if "name" in top else None
    if not isinstance(name, str) or not name.strip():
        errors.append(f"line {_line(top.get('name', root))}: 'name' is required (text)")
        name = ""
    description = str(_scalar(top["description"]) or "") if "description" in top else ""
    segments: list[str] = []
    if "segments" in top and _scalar(top["segments"]) is not None:
        node = top["segments"]
        if not isinstance(node, yaml.SequenceNode):
            errors.append(f"line {_line(node)}: 'segments' must be a list")
        else:
            for item in node.value:
                value = str(_scalar(item))
                if value not in Segment.values:
                    errors.append(
                        f"line {_line(item)}: unknown segment '{value}' "
                        f"(expected {', '.join(Segment.values)})"
                    )
                elif value in segments:
                    errors.append(f"line {_line(item)}: segment '{value}' is listed twice")
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
        errors.append(f"line {_line(node or root)}: 'steps' must be a non-empty list")
        return []
    steps: list[StepSpec] = []
    seen: dict[str, int] = {}
    for step_node in node.value:
        line = _line(step_node)
        fields = _mapping(step_node, f"step at line {line}", errors)
        values = {key: _scalar(value) for key, value in fields.items()}
        for key in values.keys() - STEP_FIELDS:
            errors.append(f"line {line}: unknown step field '{key}'")
        for required in ("key", "offset_days", "channel"):
            if values.get(required) in (None, ""):
                errors.append(f"line {line}: step field '{required}' is required")
        key = str(values.get("key") or "")
        if key and not KEY_PATTERN.match(key):
            errors.append(f"line {line}: key '{key}': use lowercase letters, digits, _ or -")
        if key in seen:
            errors.append(f"line {line}: key '{key}' is already used at line {seen[key]}")
        seen.setdefault(key, line)
        offset = values.get("offset_days")
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)):
            errors.append(f"line {line}: offset_days '{offset}' must be a whole number of days")
            offset = None
        channel = str(values.get("channel") or "")
        if channel and channel not in Channel.__members__.values():
            errors.append(
                f"line {line}: unknown channel '{channel}' "
                f"(expected {', '.join(c.value for c in Channel)})"
            )
        actor = str(values.get("actor") or Actor.FINANCE.value)
        if actor not in Actor.__members__.values():
            errors.append(
                f"line {line}: unknown actor '{actor}' "
                f"(expected {', '.join(a.value for a in Actor)})"
            )
        template = str(values.get("template") or "")
        if channel in {"email", "letter", "sms"} and not template:
            article = "an" if channel[0] in "aeiou" else "a"
            errors.append(f"line {line}: {article} {channel} step needs a template")
        approval = values.get("requires_approval", False)
        if not isinstance(approval, bool):
            errors.append(f"line {line}: requires_approval must be true or false")
            approval = False
        try:
            min_amount = Decimal(str(values.get("min_amount", 0) or 0))
            if min_amount < 0 or not min_amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                f"line {line}: min_amount '{values.get('min_amount')}' must be a positive amount"
            )
            min_amount = Decimal(0)
        if isinstance(offset, int) and steps and offset <= steps[-1].offset_days:
            errors.append(
                f"line {line}: offset_days {offset} must come after the previous step's "
                f"{steps[-1].offset_days} (steps go in order of days)"
            )
        steps.append(
            StepSpec(
                key=key,
                offset_days=offset if isinstance(offset, int) else 0,
                channel=channel,
                actor=actor,
                template=template,
                requires_approval=approval,
                min_amount=min_amount,
            )
        )
    return steps


@transaction.atomic
def import_scenario(text: str) -> ImportReport:
    """Create or update (by name) a scenario from YAML; its segments are taken over."""
    spec = parse_scenario(text)
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
                f"segment '{link.segment}' moves from scenario '{link.scenario.name}'"
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
            report.notes.append(f"'{spec.name}' replaces '{previous.name}' as the default scenario")
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
                f"step '{step.key}' of '{scenario.name}' has reminders recorded: keep it "
                "in the file (change its days or channel instead)"
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
