from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.dunning.services.outbox import send_outbox


class Command(EncaisseCommand):
    help = (
        "Send the outbox: render the e-mails, letters (PDF) and SMS of planned dunning actions "
        "and send each exactly once. Messages left half-sent by a worker that died are retried "
        "once their claim is older than --stale-after seconds (default: the setting, 600)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send"])
        parser.add_argument("--stale-after", type=int, metavar="SECONDS")
        parser.add_argument("--worker", help="a name for this worker in the sending log")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = options["stale_after"]
        report = send_outbox(
            worker=options["worker"],
            stale_after=dt.timedelta(seconds=stale) if stale is not None else None,
        )
        states = ", ".join(f"{count} {state}" for state, count in sorted(report.by_state.items()))
        self.stdout.write(
            f"Outbox: {report.composed} composed, {report.recovered} recovered, "
            f"sent: {states or 'nothing to send'}."
        )
