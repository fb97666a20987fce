"""`encaisse webhooks test SUBSCRIPTION` pings it now and prints the answer (exit 1 when it
is not a 2xx); `encaisse webhooks deliveries [--status failed]` lists the log."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from encaisse.webhooks.models import Delivery, DeliveryStatus


def _run(*args: str) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_a_ping_reaches_the_receiver_and_the_log_lists_it(
    subscription, receiver, documented_verify
):
    printed = _run("test", "erp orders")
    assert "ping to ERP orders" in printed
    assert "delivered, HTTP 200" in printed
    [request] = receiver.received
    assert request.headers["X-Encaisse-Event"] == "ping"
    assert documented_verify(subscription.secret, request.headers, request.body)

    rows = json.loads(_run("deliveries", "--format", "json"))
    assert [(r["event"], r["status"], r["subscription"]) for r in rows] == [
        ("ping", "delivered", "ERP orders")
    ]
    assert "ping" in _run("deliveries")
    assert _run("deliveries", "--status", "failed") == "No delivery.\n"


def test_a_failing_ping_exits_1_and_is_listed_as_failed(subscription, receiver):
    receiver.default = 503
    with pytest.raises(SystemExit) as exit_:
        _run("test", str(subscription.pk))
    assert exit_.value.code == 1
    assert len(receiver.received) == 1  # a ping is tried once
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert "HTTP 503" in _run("deliveries", "--status", "failed")


def test_an_unknown_subscription_is_one_clear_line(db):
    with pytest.raises(CommandError, match="no subscription named 'ERP'"):
        _run("test", "ERP")
    with pytest.raises(CommandError, match="SUBSCRIPTION"):
        _run("test")
