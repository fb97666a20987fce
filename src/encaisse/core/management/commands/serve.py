from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.core.serving import add_server_arguments, serve_application


class Command(EncaisseCommand):
    help = (
        "Serve Encaisse over HTTP with waitress, on 127.0.0.1:8000 by default. In production "
        "set SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS, run `encaisse migrate` first, and put "
        "a reverse proxy (TLS) in front."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        serve_application(
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            stdout=self.stdout,
        )
