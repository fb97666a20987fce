"""An import run's message becomes JSON, like its notes and problems: a sentence kept as plain
data (msgid and values) translated when it is read; the messages recorded before stay as
their English text."""

from django.db import migrations, models


def _text_to_json(apps, schema_editor):
    ImportRun = apps.get_model("imports", "ImportRun")
    batch = []
    for run in ImportRun.objects.only("pk", "message").iterator(chunk_size=1000):
        run.message_data = run.message or ""
        batch.append(run)
        if len(batch) == 1000:
            ImportRun.objects.bulk_update(batch, ["message_data"])
            batch = []
    ImportRun.objects.bulk_update(batch, ["message_data"])


def _english(data):
    """A sentence back into text, untranslated (when the migration is reversed)."""
    if not isinstance(data, dict):
        return "" if data is None else str(data)
    values = {name: _english(value) if isinstance(value, dict) and "msgid" in value
              else value.get("decimal", "") if isinstance(value, dict) else value
              for name, value in (data.get("values") or {}).items()}
    msgid = data.get("msgid", "")
    if data.get("plural") and data.get("count") != 1:
        msgid = data["plural"]
    try:
        return msgid % values if values else msgid
    except (KeyError, ValueError, TypeError):
        return msgid


def _json_to_text(apps, schema_editor):
    ImportRun = apps.get_model("imports", "ImportRun")
    batch = []
    for run in ImportRun.objects.only("pk", "message_data").iterator(chunk_size=1000):
        run.message = _english(run.message_data)
        batch.append(run)
        if len(batch) == 1000:
            ImportRun.objects.bulk_update(batch, ["message"])
            batch = []
    ImportRun.objects.bulk_update(batch, ["message"])


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0002_more_import_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="message_data",
            field=models.JSONField(blank=True, default=str, verbose_name="message"),
        ),
        migrations.RunPython(_text_to_json, _json_to_text, elidable=True),
        migrations.RemoveField(model_name="importrun", name="message"),
        migrations.RenameField(model_name="importrun", old_name="message_data", new_name="message"),
    ]
