"""The base of Encaisse's management commands: one-line errors, never a traceback."""

from __future__ import annotations

import sys
from argparse import RawDescriptionHelpFormatter
from typing import Any, NoReturn

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)

from encaisse.core.errors import BadInput


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's option order, with the examples and field lists of an epilog kept as written."""


class EncaisseCommand(BaseCommand):
    """A command whose bad input ends in one line on stderr and exit status 2; its
    ``help_epilog()`` (examples, field lists) is printed after the options as written."""

    def help_epilog(self) -> str:
        return ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        epilog = self.help_epilog()
        if epilog:
            kwargs.setdefault("formatter_class", _HelpFormatter)
            kwargs.setdefault("epilog", epilog)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        program = f"encaisse {subcommand}"
        parser.prog = program

        def one_line_error(message: str) -> NoReturn:
            if getattr(parser, "called_from_command_line", False):
                sys.stderr.write(f"{program}: error: {message} (see --help)\n")
                sys.exit(2)
            raise CommandError(f"Error: {message}")

        parser.error = one_line_error  # type: ignore[method-assign]
        return parser

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except BadInput as error:
            raise CommandError(str(error), returncode=2) from None
