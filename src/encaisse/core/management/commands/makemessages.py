"""Django's makemessages, also finding the sentences of core.i18n: ``sentence(msgid, ...)`` and
``sentence_plural(singular, plural, count, ...)``."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=sentence",
        "--keyword=sentence_plural:1,2",
    ]
