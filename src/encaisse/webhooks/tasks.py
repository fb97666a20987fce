"""Background jobs of webhooks: thin adapters over webhooks.sending (ids as arguments)."""

from __future__ import annotations

from encaisse.core.jobs import job
from encaisse.webhooks.sending import attempt_delivery


@job()
def deliver_webhook_task(delivery_id: int) -> str | None:
    """Send a delivery once if it is due and unclaimed; its retries are planned on the row
    (next_attempt_at) and started by the recovery send_due_deliveries."""
    return attempt_delivery(delivery_id=delivery_id)
