from __future__ import annotations

import re
from pathlib import Path

import pytest

from encaisse.webhooks.tests.receiver import Receiver, start_receiver

DOCS = Path(__file__).resolve().parents[4] / "docs" / "webhooks.md"


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(settings):
    """The test receiver listens on 127.0.0.1, which production refuses unless listed."""
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.DEBUG = False


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = start_receiver(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscription(db, receiver, admin_alice):
    from encaisse.webhooks.services import create_subscription

    return create_subscription(
        name="ERP orders",
        url=receiver.url,
        events=["customer.blocked", "customer.unblocked"],
        created_by=admin_alice,
    )


@pytest.fixture(scope="session")
def documented_verify():
    """The verification snippet of docs/webhooks.md, as the IT person would copy it."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- verify-snippet -->\s*```python\n(.*?)```", text, re.S)
    assert block, "docs/webhooks.md lost its verification snippet"
    namespace: dict = {}
    exec(block.group(1), namespace)  # noqa: S102  # our own documentation's code
    return namespace["verify"]


def blocked(customer_id: int = 7) -> dict:
    return {"customer": {"id": customer_id, "external_id": f"C{customer_id}"}, "reason": "over"}
