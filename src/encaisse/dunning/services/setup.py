"""What Encaisse ships: three scenarios and FR/EN message templates, installed on demand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from encaisse.dunning.models import MessageTemplate, Scenario
from encaisse.dunning.services.scenarios import import_scenario, parse_scenario

SHIPPED = Path(__file__).resolve().parent.parent
SCENARIO_FILES = SHIPPED / "scenarios"
TEMPLATE_FILES = SHIPPED / "message_templates"


def read_template_file(path: Path) -> tuple[str, str]:
    """(subject, body) of a shipped template: a 'Subject:' first line, a blank line, the body."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("Subject:"):
        first, _, body = text.partition("\n")
        return first.removeprefix("Subject:").strip(), body.lstrip("\n")
    return "", text


@dataclass
class SetupReport:
    scenarios_added: list[str]
    templates_added: int


@transaction.atomic
def install_shipped_dunning() -> SetupReport:
    """Add the shipped scenarios and templates that are missing; never overwrite edits."""
    added = []
    for path in sorted(SCENARIO_FILES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if not Scenario.objects.filter(name=parse_scenario(text).name).exists():
            added.append(import_scenario(text).scenario.name)
    count = 0
    for path in sorted(TEMPLATE_FILES.glob("*/*.txt")):
        subject, body = read_template_file(path)
        _template, created = MessageTemplate.objects.get_or_create(
            key=path.stem, language=path.parent.name, defaults={"subject": subject, "body": body}
        )
        count += created
    return SetupReport(scenarios_added=added, templates_added=count)
