"""`encaisse webhooks test|deliveries`: check a subscription with a ping, read the delivery
log. A thin adapter over webhooks.services, webhooks.sending and webhooks.selectors."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.core.errors import BadInput
from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.selectors import deliveries, subscription_named
from encaisse.webhooks.sending import attempt_delivery
from encaisse.webhooks.services import send_ping

EPILOG = """examples:
  encaisse webhooks test "ERP orders"       (or the subscription's id)
  encaisse webhooks deliveries --status failed
  encaisse webhooks deliveries --event customer.blocked --format json

`test` POSTs a `ping` event to the subscription now, signed like every event, and prints
the receiver's answer (exit 1 when it is not a 2xx). Deliveries are replayed from the
delivery log page (Finance > Webhooks)."""


def _row(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "event": delivery.event.name,
        "event_id": str(delivery.event.uid),
        "subscription": delivery.subscription.name,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "replays": delivery.replays,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at.isoformat(),
        "delivered_at": delivery.delivered_at.isoformat() if delivery.delivered_at else None,
    }


def as_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No delivery.\n"
    header = ("id", "event", "subscription", "status", "attempts", "answer", "created")
    lines = [
        (
            str(row["id"]),
            row["event"],
            row["subscription"],
            row["status"],
            str(row["attempts"]),
            f"HTTP {row['last_status_code']}"
            if row["last_status_code"]
            else (row["last_error"][:40] or "-"),
            row["created_at"][:19],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    return (
        "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in [header, *lines]
        )
        + "\n"
    )


class Command(EncaisseCommand):
    help = (
        "Webhooks to the ERP/TMS: `test SUBSCRIPTION` sends a signed ping to one "
        "subscription now; `deliveries` lists the delivery log, newest first."
    )

    def help_epilog(self) -> str:
        return EPILOG

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["test", "deliveries"])
        parser.add_argument(
            "subscription", nargs="?", metavar="SUBSCRIPTION", help="test: its name or id"
        )
        parser.add_argument(
            "--status", choices=list(DeliveryStatus.values), help="deliveries: only this status"
        )
        parser.add_argument("--event", metavar="NAME", help="deliveries: only this event")
        parser.add_argument(
            "--limit", type=int, default=50, metavar="N", help="deliveries: at most N (50)"
        )
        parser.add_argument(
            "--format", choices=["table", "json"], default="table", help="deliveries: output"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "test":
            self._test(options["subscription"])
            return
        if options["subscription"]:
            raise BadInput("webhooks deliveries: takes no SUBSCRIPTION")
        if options["limit"] < 1:
            raise BadInput("--limit: give a number of at least 1")
        rows = [
            _row(delivery)
            for delivery in deliveries(
                status=options["status"] or "", event=options["event"] or ""
            )[: options["limit"]]
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(as_table(rows), ending="")

    def _test(self, name: str | None) -> None:
        if not name:
            raise BadInput("webhooks test: give the SUBSCRIPTION's name or id (see --help)")
        subscription = subscription_named(name)
        if subscription is None:
            raise BadInput(f"webhooks test: no subscription named {name!r}")
        delivery = send_ping(subscription=subscription, queue=False)
        attempt_delivery(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        answer = (
            f"HTTP {delivery.last_status_code}"
            if delivery.last_status_code
            else delivery.last_error or "no answer"
        )
        self.stdout.write(
            f"ping to {subscription.name} ({subscription.url}): {delivery.status}, {answer} "
            f"(delivery {delivery.pk})"
        )
        if delivery.status != DeliveryStatus.DELIVERED:
            raise SystemExit(1)
