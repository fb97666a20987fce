"""The new lines of a statement being imported, and what the import counts of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from encaisse.banking.matching import (
    Decision,
)
from encaisse.banking.models import (
    BankStatement,
)
from encaisse.banking.parsers import (
    StatementLine,
)
from encaisse.core.i18n import Text, sentence, sentence_plural

_CHUNK = 900  # under SQLite's bound-parameter limit


@dataclass
class Outcome:
    created: int = 0
    unchanged: int = 0
    matched: int = 0
    to_reconcile: int = 0
    debits: int = 0
    already_recorded: int = 0
    returned: int = 0
    returns_waiting: int = 0
    refunds: int = 0
    notes: list[Text] = field(default_factory=list)

    def summary(self) -> Text:
        if not self.created:
            return sentence_plural(
                "nothing added: %(count)s line already imported",
                "nothing added: %(count)s lines already imported",
                self.unchanged,
            )
        summary = sentence(
            "%(lines)s added: %(matched)s matched to invoices, %(to_reconcile)s to reconcile, "
            "%(debits)s ignored",
            lines=sentence_plural("%(count)s line", "%(count)s lines", self.created),
            matched=self.matched,
            to_reconcile=self.to_reconcile,
            debits=sentence_plural("%(count)s debit", "%(count)s debits", self.debits),
        )
        if self.returned or self.returns_waiting:
            return sentence(
                "%(summary)s, %(returned)s",
                summary=summary,
                returned=sentence_plural(
                    "%(count)s returned payment",
                    "%(count)s returned payments",
                    self.returned + self.returns_waiting,
                ),
            )
        return summary


@dataclass
class NewLine:
    line: StatementLine
    key: str
    statement: BankStatement
    decision: Decision = field(default_factory=Decision)


def chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])
