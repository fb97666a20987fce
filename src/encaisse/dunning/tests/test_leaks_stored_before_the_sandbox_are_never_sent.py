"""Messages rendered with a leak before the sandbox, in databases that exist: the secret is
removed from their stored copy, and one not sent yet is composed again before it goes out."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from encaisse.dunning.models import (
    DunningAction,
    MessageState,
    MessageTemplate,
    OutboundMessage,
)
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.tests.test_outbox_sends_each_message_once import customer_with_late_invoices

REDACTING = "0006_redact_leaks_and_true_shipped_templates"
HASH = "pbkdf2_sha256$1000000$abcdefghijklmnop$Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_removes_password_hashes_and_upgrades_unedited_templates(monkeypatch):
    migration = importlib.import_module(f"encaisse.dunning.migrations.{REDACTING}")
    old_text = ("Ancien objet", "Échues depuis plus de {{ max_days_past_due }} jours.\n")
    digest = hashlib.sha256(f"{old_text[0]}\n{old_text[1]}".encode()).hexdigest()
    monkeypatch.setattr(migration, "SUPERSEDED", {("formal_notice", "fr"): digest})

    apps = migrate([("dunning", "0005_message_facts_and_letter_posting")])
    user = apps.get_model("accounts", "User").objects.create(username="remi", password=HASH)
    entity = apps.get_model("ledger", "LegalEntity").objects.create(code="E", name="E")
    customer = apps.get_model("ledger", "Customer").objects.create(
        entity=entity, external_id="C1", name="Client", sales_rep=user
    )
    scenario = apps.get_model("dunning", "Scenario").objects.create(name="S")
    step = apps.get_model("dunning", "Step").objects.create(
        scenario=scenario, position=1, key="reminder_1", offset_days=7, channel="email"
    )
    action_model = apps.get_model("dunning", "DunningAction")
    message_model = apps.get_model("dunning", "OutboundMessage")
    for index, state in enumerate(("sent", "pending")):
        action = action_model.objects.create(
            key=f"k{index}",
            customer=customer,
            step=step,
            planned_for=dt.date(2026, 3, 1),
            amount=Decimal(10),
            state="sent" if state == "sent" else "planned",
        )
        message_model.objects.create(
            action=action,
            channel="email",
            subject=f"Relance {HASH}",
            body=f"Bonjour,\nVotre commercial : {HASH}\n",
            state=state,
        )
    template_model = apps.get_model("dunning", "MessageTemplate")
    template_model.objects.create(
        key="formal_notice", language="fr", subject=old_text[0], body=old_text[1]
    )
    template_model.objects.create(
        key="reminder_1", language="fr", subject="Mine", body="Edited by us"
    )

    migrate([("dunning", REDACTING)])
    # On to today's schema (the later tests need it), then what the migration did.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    for message in OutboundMessage.objects.all():
        assert HASH not in message.subject + message.body
        assert "Votre commercial : [removed]" in message.body
    notice = MessageTemplate.objects.get(key="formal_notice", language="fr")
    assert notice.subject.startswith("Mise en demeure de payer")
    assert "au moins " in notice.body
    assert MessageTemplate.objects.get(key="reminder_1").body == "Edited by us"


def test_a_message_composed_before_the_sandbox_is_composed_again_before_it_goes_out(
    dunning_ready, smtp_inbox, rep_remi
):
    customer, day = customer_with_late_invoices(dunning_ready, "OLD-1", "old@client.fr")
    customer.sales_rep = rep_remi
    customer.save()
    execute_dunning_run(as_of=day)
    action = DunningAction.objects.get()
    OutboundMessage.objects.create(
        action=action,
        channel="email",
        language="fr",
        recipient="old@client.fr",
        subject="Relance",
        body=f"Hash {rep_remi.password}",
        message_id="<old@encaisse>",
        state=MessageState.PENDING,
        facts=None,
        next_attempt_at=timezone.now(),
    )
    assert send_outbox().by_state == {"sent": 1}
    (mail,) = smtp_inbox.messages
    text = next(p for p in mail.walk() if p.get_content_type() == "text/plain").get_content()
    assert rep_remi.password not in text
    assert "OLD-1-F1" in text  # the shipped template, rendered in the sandbox
    assert mail["Message-ID"].strip() == "<old@encaisse>"  # the same message, not a new one
    assert OutboundMessage.objects.get().facts is not None
    assert MessageTemplate.objects.filter(body__contains="password").count() == 0
