"""Before message templates were sandboxed, a template could print any attribute it could
reach, down to users' password hashes. This migration:

- removes from every stored message (subject and body) the password hash of any user and
  the secret key, wherever a template wrote them; messages not yet sent were composed
  without facts and are composed again in the sandbox before they go out (outbox);
- replaces the shipped templates that nobody edited with this version's, whose sentences
  are true of every invoice they list (a formal notice said "overdue for more than N days"
  with N the oldest invoice's days).
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations
from django.db.models import Q

REMOVED = "[removed]"
SHIPPED = Path(__file__).resolve().parent.parent / "message_templates"

# sha256 of "subject\nbody" of each template as shipped before this migration.
SUPERSEDED = {
    ("courtesy", "en"): "4f8ae7e5be38b007efac94ed8cd44879f5d7004f8f569118e301ea40b8d78bdc",
    ("formal_notice", "en"): "e9aba9a7516ad0531f245f8a1c124e56d6cdda60d5d913bc2dff9cb255c14eb5",
    ("reminder_1", "en"): "886e8abc75df11b841b9d57fa17aa68a04c4fac0172682712bf26d58544f08a1",
    ("reminder_2", "en"): "434eb2bc3864c3e49d3120fc956f8dc287e5385f46098d02c27726482cd936a5",
    ("sms_reminder", "en"): "e06c9f3af999a2d6e2959321ddc1edd9edc6f9de785ee99bb41e72271cfb8bd6",
    ("courtesy", "fr"): "6fabbbbd13737cf956a21e8688b965a1c6e8b999bcde11051eab79a8835f0517",
    ("formal_notice", "fr"): "dbee892d301806ff04a0e39ee8de0748066804fc22ab7f02079befe00b6f7f40",
    ("reminder_1", "fr"): "a5573ac6258e15a1e6f67076a03359391260be5f0959bf2e8f66bdeff57ccd2a",
    ("reminder_2", "fr"): "e7f52e7814c7a492cc3703ba6bd4148daad00bb71e2712678092616a6085f365",
    ("sms_reminder", "fr"): "278c4beabbe65fd01458449eb1bdc6855a785190cbd12d6747b6bd5c55936324",
}


def _secrets(apps):
    User = apps.get_model("accounts", "User")
    secrets = {
        password
        for password in User.objects.values_list("password", flat=True)
        if password and len(password) >= 20 and not password.startswith("!")
    }
    if len(settings.SECRET_KEY) >= 20:
        secrets.add(settings.SECRET_KEY)
    return sorted(secrets)


def redact_leaked_secrets(apps, schema_editor):
    Message = apps.get_model("dunning", "OutboundMessage")
    secrets = _secrets(apps)
    for start in range(0, len(secrets), 50):
        chunk = secrets[start : start + 50]
        query = Q()
        for secret in chunk:
            query |= Q(body__contains=secret) | Q(subject__contains=secret)
        for message in Message.objects.filter(query).iterator():
            for secret in chunk:
                message.subject = message.subject.replace(secret, REMOVED)
                message.body = message.body.replace(secret, REMOVED)
            message.save(update_fields=["subject", "body"])


def _read(path):
    text = path.read_text(encoding="utf-8")
    if text.startswith("Subject:"):
        first, _, body = text.partition("\n")
        return first.removeprefix("Subject:").strip(), body.lstrip("\n")
    return "", text


def upgrade_unedited_shipped_templates(apps, schema_editor):
    Template = apps.get_model("dunning", "MessageTemplate")
    for (key, language), digest in SUPERSEDED.items():
        path = SHIPPED / language / f"{key}.txt"
        template = Template.objects.filter(key=key, language=language).first()
        if template is None or not path.is_file():
            continue
        stored = f"{template.subject}\n{template.body}".encode()
        if hashlib.sha256(stored).hexdigest() != digest:
            continue  # edited by the company: theirs to change (the editor says what is wrong)
        template.subject, template.body = _read(path)
        template.save(update_fields=["subject", "body"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("dunning", "0005_message_facts_and_letter_posting"),
    ]

    operations = [
        migrations.RunPython(redact_leaked_secrets, migrations.RunPython.noop),
        migrations.RunPython(upgrade_unedited_shipped_templates, migrations.RunPython.noop),
    ]
