"""A stored message laid out as a document: the letter's PDF and its copy on screen.

Both are rendered from the same two stored things, the message's text and its facts, by
the same template (``dunning/_letter_body.html``), so they cannot show different content.
The invoice table sits where the template put ``{{ invoice_table }}`` in the text.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from typing import Any, Protocol

import segno.helpers
from django.core.files.storage import default_storage
from stdnum.iso11649 import is_valid as is_rf

from encaisse.dunning.composing.facts import MessageFacts
from encaisse.dunning.composing.variables import invoice_table, template_context

SHORT_LINE = 60  # a paragraph of short lines (a signature, a total) keeps its line breaks


class StoredMessage(Protocol):
    language: str
    subject: str
    body: str
    recipient: str


@dataclass(frozen=True)
class Block:
    """A paragraph (its lines, one when it flows), or the place of the invoice table."""

    lines: tuple[str, ...] = ()
    is_table: bool = False


def _paragraphs(text: str) -> list[Block]:
    blocks = []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        lines = [line.strip() for line in paragraph.strip("\n").splitlines() if line.strip()]
        if not lines:
            continue
        if all(len(line) < SHORT_LINE for line in lines):
            blocks.append(Block(lines=tuple(lines)))
        else:  # a paragraph hard-wrapped for plain-text mail flows again on paper
            blocks.append(Block(lines=(" ".join(lines),)))
    return blocks


def body_blocks(body: str, facts: MessageFacts) -> list[Block]:
    """The text's paragraphs, with the invoice table where the text has it."""
    table = invoice_table(facts)
    if facts.lines and table in body:
        before, _, after = body.partition(table)
        return [*_paragraphs(before), Block(is_table=True), *_paragraphs(after)]
    return _paragraphs(body)


def epc_qr_png(facts: MessageFacts) -> bytes | None:
    """The EPC (SEPA credit transfer) QR code a banking app scans, for the message's total;
    None without an IBAN or when the total is not one amount in euros."""
    amount = facts.total_due
    entity = facts.entity
    if not facts.payable_by_qr or amount is None:
        return None
    qr = segno.helpers.make_epc_qr(
        name=entity.name[:70],
        iban=entity.iban.replace(" ", ""),
        amount=amount,
        # A structured creditor reference travels as one; anything else as text.
        reference=facts.payment_reference if is_rf(facts.payment_reference) else None,
        text=None if is_rf(facts.payment_reference) else facts.payment_reference[:140],
        bic=entity.bic or None,
    )
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


def logo_data_uri(name: str) -> str:
    """The entity's logo inlined for the letter (PDF and screen); '' without one or when the
    file went missing (the letter goes out without it)."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    except OSError:
        return ""
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    return f"data:{kind};base64," + base64.b64encode(content).decode()


def letter_document(message: StoredMessage, facts: MessageFacts) -> dict[str, Any]:
    """What ``dunning/_letter_body.html`` shows: the facts' variables, the text's blocks,
    the recipient and subject as stored, the QR code."""
    qr = epc_qr_png(facts)
    return {
        **template_context(facts),
        "language": facts.language,
        "subject": message.subject,
        "recipient": message.recipient,
        "blocks": body_blocks(message.body, facts),
        "qr_data_uri": "data:image/png;base64," + base64.b64encode(qr).decode() if qr else "",
        "logo_data_uri": logo_data_uri(facts.entity.logo),
    }
