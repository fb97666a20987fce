"""On the demo company, every link of a customer's timeline opens for whoever reads it: a
rep, his manager, finance (no 404 on a manager's task, a dispute, a message, a note)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from encaisse.accounts.models import User
from encaisse.dunning.timeline import customer_timeline
from encaisse.ledger.scoping import visible_customers


@pytest.mark.django_db(transaction=True)
def test_every_timeline_link_opens_for_its_reader(client):
    call_command("demo", "--no-serve", "--customers", "120", stdout=StringIO())
    checked = 0
    for username in ("remi", "sarah", "maud", "gaelle"):
        reader = User.objects.get(username=username)
        client.force_login(reader)
        for customer in visible_customers(reader).order_by("pk")[:25]:
            for event in customer_timeline(customer, reader=reader, limit=40):
                if not event.url:
                    continue
                path = event.url if event.url.startswith("/") else None
                if path is None:  # an anchor on the customer page
                    assert event.url.startswith("#"), event.url
                    continue
                response = client.get(path.partition("#")[0])
                assert response.status_code == 200, (username, customer.pk, event.title, path)
                checked += 1
    assert checked > 10  # messages, tasks, disputes, promises...
