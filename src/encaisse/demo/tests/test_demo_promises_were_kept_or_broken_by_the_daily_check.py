"""The demo's promises to pay look like a team's history: past ones kept or broken, as the
daily check found them, recent ones still pending; a rep's latest broken promises wait in
the bell, older ones were read long ago."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from encaisse.collaboration.models import Notification, PromiseStatus, PromiseToPay
from encaisse.collaboration.promises import PromiseCheck, check_promises, promise_keeping
from encaisse.core.dates import today
from encaisse.ledger.models import Customer


def test_the_demo_promises_are_kept_broken_or_pending(db):
    out = StringIO()
    call_command("demo", "--no-serve", "--customers", "400", stdout=out)

    states = {
        status: PromiseToPay.objects.filter(status=status).count() for status in PromiseStatus
    }
    assert states[PromiseStatus.KEPT] > states[PromiseStatus.BROKEN] > 0, states
    assert states[PromiseStatus.PENDING] > 0, states
    assert (
        PromiseToPay.objects.filter(status=PromiseStatus.PENDING, decided_on__isnull=False).count()
        == 0
    )
    assert (
        not PromiseToPay.objects.exclude(status=PromiseStatus.PENDING)
        .filter(decided_on__isnull=True)
        .exists()
    )
    assert f"{states[PromiseStatus.KEPT]} kept" in out.getvalue()
    # This morning's check was done: running it again decides nothing.
    assert check_promises(as_of=today()) == PromiseCheck(kept=0, broken=0)
    told = Notification.objects.filter(url__endswith="#promises")
    assert told.filter(read_at__isnull=False).exists(), "old broken promises were read"
    assert told.filter(read_at__isnull=True).exists(), "this week's wait in the bell"
    broken = PromiseToPay.objects.filter(status=PromiseStatus.BROKEN).first()
    assert promise_keeping(Customer.objects.get(pk=broken.customer_id)).broken >= 1
