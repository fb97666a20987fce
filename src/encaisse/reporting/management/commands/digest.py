from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.accounts.permissions import gets_portfolio_digest
from encaisse.core.commands import EncaisseCommand
from encaisse.core.dates import parse_iso_date, today
from encaisse.core.errors import BadInput
from encaisse.reporting.digest.composing import digest_data
from encaisse.reporting.digest.sending import DigestOutcome, DigestStatus, send_portfolio_digests


def _status_line(outcome: DigestOutcome, *, dry_run: bool) -> str:
    who = f"{outcome.username} <{outcome.email}>" if outcome.email else outcome.username
    values = {"who": who, "week": outcome.week}
    if outcome.status == DigestStatus.SENT:
        return _("%(who)s: sent (week %(week)s)") % values
    if outcome.status == DigestStatus.WOULD_SEND:
        return _("%(who)s: would be sent (week %(week)s)") % values
    if outcome.status == DigestStatus.ALREADY_SENT:
        return _("%(who)s: already sent for week %(week)s, not sent again") % values
    if outcome.status == DigestStatus.EMPTY:
        if dry_run:
            return _("%(who)s: empty portfolio, nothing would be sent") % values
        return _("%(who)s: empty portfolio, nothing sent") % values
    if outcome.status == DigestStatus.FAILED:
        return _("%(who)s: not sent, the mail server said: %(error)s") % {
            **values,
            "error": outcome.error,
        }
    if outcome.status == DigestStatus.NO_EMAIL:
        return _("%(who)s: no e-mail address, skipped") % values
    return _("%(who)s: inactive or without a portfolio to follow, skipped") % values


def _as_text(outcomes: list[DigestOutcome], *, dry_run: bool) -> str:
    if not outcomes:
        return _("Nobody gets the weekly portfolio e-mail (active reps and managers).") + "\n"
    blocks = []
    for outcome in outcomes:
        line = _status_line(outcome, dry_run=dry_run)
        if dry_run and outcome.message is not None:
            rule = "=" * 72
            line = f"{rule}\n{line}\n{_('Subject:')} {outcome.message.subject}\n\n"
            line += outcome.message.text
        blocks.append(line)
    return "\n".join(blocks) + "\n"


def _as_json(outcomes: list[DigestOutcome], *, dry_run: bool, as_of: str) -> str:
    payload = {
        "as_of": as_of,
        "dry_run": dry_run,
        "digests": [
            {
                "user": outcome.username,
                "email": outcome.email,
                "week": outcome.week,
                "status": str(outcome.status),
                **({"error": outcome.error} if outcome.error else {}),
                **(digest_data(outcome.digest) if outcome.digest is not None else {}),
            }
            for outcome in outcomes
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


class Command(EncaisseCommand):
    help = (
        "The weekly portfolio e-mail: each sales rep's portfolio (outstanding, overdue, aged "
        "balance, most overdue customers, promises due, open disputes, the week's dunning, "
        "their tasks), each manager's scope by rep. Its figures are those of `encaisse report "
        "aged-balance --user U`. Sent at most once per user and ISO week: running it again "
        "sends nothing twice. The daily jobs send it on ENCAISSE_DIGEST_WEEKDAY (Monday)."
    )

    def help_epilog(self) -> str:
        return (
            "examples:\n"
            "  encaisse digest send --dry-run --user remi      show Rémi's e-mail, send nothing\n"
            "  encaisse digest send --dry-run --format json    every recipient's figures\n"
            "  encaisse digest send                            send this week's to everyone\n"
            "  encaisse digest send --user maud --as-of 2026-12-07\n"
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send"], help="what to do")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show the e-mails without sending them or recording anything",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="only this user (default: every active sales rep and manager with an e-mail)",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text (default) or json (the figures, with the keys of report aged-balance)",
        )
        parser.add_argument(
            "--as-of",
            dest="as_of",
            metavar="YYYY-MM-DD",
            help="the day of the digest (default: today); its ISO week is the one sent once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_iso_date(options["as_of"], field="--as-of") if options["as_of"] else today()
        users = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise BadInput(_("--user: no user named %(name)r") % {"name": options["user"]})
            if not gets_portfolio_digest(user):
                raise BadInput(
                    _(
                        "--user: %(name)s gets no weekly portfolio e-mail (only active sales "
                        "reps and managers do)"
                    )
                    % {"name": user.username}
                )
            users = [user]
        dry_run = options["dry_run"]
        outcomes = send_portfolio_digests(as_of=as_of, users=users, dry_run=dry_run)
        if options["format"] == "json":
            self.stdout.write(
                _as_json(outcomes, dry_run=dry_run, as_of=as_of.isoformat()), ending=""
            )
        else:
            self.stdout.write(_as_text(outcomes, dry_run=dry_run), ending="")
        failed = [o.username for o in outcomes if o.status == DigestStatus.FAILED]
        if failed:
            raise CommandError(
                _("not sent to %(users)s: run the command again later")
                % {"users": ", ".join(failed)},
                returncode=1,
            )
