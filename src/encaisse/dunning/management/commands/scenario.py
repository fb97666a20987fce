from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.dunning.models import Scenario
from encaisse.dunning.services.scenarios import export_scenario, import_scenario


class Command(EncaisseCommand):
    help = (
        "Import a dunning scenario from YAML (created, or updated when one has the same name; "
        "the segments it names are taken over from other scenarios, no segments makes it the "
        "default), export one as YAML, or list them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export", "list"])
        parser.add_argument("target", nargs="?", help="import: the YAML file; export: the name")
        parser.add_argument("--output", "-o", metavar="FILE", help="export to FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        action, target = options["action"], options["target"]
        if action == "list":
            for scenario in Scenario.objects.prefetch_related("segments", "steps"):
                segments = ", ".join(s.segment for s in scenario.segments.all()) or "default"
                steps = " → ".join(s.key for s in scenario.steps.all())
                self.stdout.write(f"{scenario.name} [{segments}]: {steps}")
            return
        if not target:
            raise CommandError(f"scenario {action}: give a file or a scenario name", returncode=2)
        if action == "import":
            path = Path(target)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{target}: cannot read it ({error})", returncode=2) from None
            report = import_scenario(text)
            verb = "created" if report.created else "updated"
            self.stdout.write(f"Scenario '{report.scenario.name}' {verb}.")
            for note in report.notes:
                self.stdout.write(f"Note: {note}.")
            return
        found = Scenario.objects.filter(name=target).first()
        if found is None:
            raise CommandError(f"no scenario named {target!r}", returncode=2)
        text = export_scenario(found)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
