from __future__ import annotations

import os
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand


class Command(EncaisseCommand):
    help = (
        "Run the background jobs: the daily dunning run, the outbox, uploads, notification "
        "e-mails. With REDIS_URL set, a Celery worker (with the beat scheduler unless "
        "--no-beat); start several on several machines to share a run. Without it, the "
        "in-process scheduler (uploads and e-mails then run in `encaisse serve`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-beat", action="store_true", help="Celery: no scheduler here")
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.REDIS_URL:
            argv = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "encaisse.config.celery",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={options['concurrency']}",
            ]
            if not options["no_beat"]:
                argv.append("--beat")
            os.execv(sys.executable, argv)  # noqa: S606  (becomes the Celery worker)
        from encaisse.dunning.scheduler import run_forever

        self.stdout.write("Scheduler running in this process (no REDIS_URL); Ctrl-C stops it.")
        try:
            run_forever(threading.Event())
        except KeyboardInterrupt:
            return
