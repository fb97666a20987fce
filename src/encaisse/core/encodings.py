"""Which encoding a text file is in: the one place the guess is made (CSV, FEC, MT940).

A byte-order mark decides first, then strict UTF-8 over the whole file (most files, and the
cheapest check). Otherwise charset-normalizer chooses among the single-byte encodings French
and European ledgers are written in (Windows-1252 from Excel, DOS code page 850 from old
ERPs, Mac Roman, ISO-8859-15), from a sample around the first byte that is not UTF-8, and
its guess is then checked over the whole file. With too few accented letters to judge, the
old rule holds: Windows-1252. A file whose lines are in different encodings is refused.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from typing import IO

from charset_normalizer import from_bytes

from encaisse.core.errors import BadInput
from encaisse.core.i18n import Sentence, sentence

BLOCK = 1024 * 1024
# The single-byte encodings charset-normalizer chooses among (ranked by it, not by order).
EUROPEAN = ("cp1252", "iso8859_15", "cp850", "mac_roman")
# Fewer non-ASCII bytes than this in the sample and no statistical guess is worth making.
MIN_EVIDENCE = 6
SAMPLE_BEFORE, SAMPLE_AFTER = 16 * 1024, 256 * 1024
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "iso8859-15": "ISO-8859-15",
    "cp850": "DOS code page 850",
    "mac-roman": "Mac Roman",
}


def encoding_label(codec: str) -> str:
    """How a report names an encoding: 'Windows-1252' for cp1252."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    return _LABELS.get(name, name)


@dataclass(frozen=True)
class _Failure:
    offset: int
    byte: int
    line: int

    def __str__(self) -> str:
        return str(self.said())

    def said(self) -> Sentence:
        return sentence(
            "byte %(byte)s on line %(line)s", byte=f"0x{self.byte:02X}", line=str(self.line)
        )


def _check(source: IO[bytes], codec: str) -> tuple[int, _Failure | None]:
    """(lines, None) when the whole file decodes with ``codec``, else (0, where it fails)."""
    decoder = codecs.getincrementaldecoder(codec)()
    source.seek(0)
    lines = offset = 0
    try:
        while block := source.read(BLOCK):
            decoder.decode(block)
            lines += block.count(b"\n")
            offset += len(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        position = offset + error.start
        source.seek(0)
        line = source.read(position).count(b"\n") + 1
        return 0, _Failure(position, error.object[error.start], line)
    finally:
        source.seek(0)
    return lines + 1, None


def _sample(source: IO[bytes], at: int) -> bytes:
    start = max(at - SAMPLE_BEFORE, 0)
    source.seek(start)
    sample = source.read(at - start + SAMPLE_AFTER)
    source.seek(0)
    return sample


# What European ledgers write beyond ASCII: accented letters inside words, the euro, the
# degree (N°), guillemets and typographic apostrophes. A wrong code page turns them into box
# drawings, C1 controls, a low quote or a double dagger, or a 'Ç' alone after a price.
_LETTERS = frozenset("àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæßÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸŒÆ")
# The euro, degree, guillemets, curly quotes, dashes, section, micro, squared and cubed.
_SYMBOLS = frozenset("€°«»\u2019\u2018\u201c\u201d\u2013\u2014§µ²³")


def _plausibility(sample: bytes, codec: str) -> int:
    """How many of the sample's non-ASCII characters are ones a European ledger writes
    (a letter within a word, or a symbol), less the others."""
    text = sample.decode(codec, errors="replace")
    score = 0
    for index, char in enumerate(text):
        if ord(char) < 128:
            continue
        in_a_word = (index > 0 and text[index - 1].isalpha()) or (
            index + 1 < len(text) and text[index + 1].isalpha()
        )
        score += 1 if char in _SYMBOLS or (char in _LETTERS and in_a_word) else -1
    return score


def _european_guesses(sample: bytes) -> list[str]:
    """The plausible single-byte encodings for ``sample``, best first: charset-normalizer's
    candidates ranked by what they make of the non-ASCII bytes (a handful of 'N°', 'é' and
    '€' can read as DOS 850 to a statistical guess), Windows-1252 first on a tie."""
    found = [match.encoding for match in from_bytes(sample, cp_isolation=list(EUROPEAN))]
    if not found:  # none fits (a file mixing UTF-8 and another encoding, say)
        return []
    candidates = list(dict.fromkeys([*found, "cp1252"]))
    return sorted(candidates, key=lambda codec: (-_plausibility(sample, codec), codec != "cp1252"))


def detect_encoding(source: IO[bytes], head: bytes, wanted: str | None = None) -> tuple[str, int]:
    """The codec the whole file (a seekable binary stream) decodes with, and its number of
    lines; ``head`` is its first bytes. A ``wanted`` encoding is checked, not trusted.
    BadInput in one line when the file is in no encoding Encaisse can tell."""
    if wanted:
        codec = "utf-8-sig" if wanted == "utf-8" and head.startswith(codecs.BOM_UTF8) else wanted
        lines, failure = _check(source, codec)
        if failure is None:
            return codec, lines
        raise BadInput(
            sentence(
                "the file is not valid %(encoding)s (%(failure)s): fix the encoding in the "
                "mapping, or leave it out to let Encaisse detect it",
                encoding=wanted,
                failure=failure.said(),
            )
        )
    if head.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        codec = "utf-8"
    lines, failure = _check(source, codec)
    if failure is None:
        return codec, lines
    if codec != "utf-8":
        raise BadInput(
            sentence(
                "the file is not valid %(encoding)s text (%(failure)s)",
                encoding=encoding_label(codec),
                failure=failure.said(),
            )
        )
    sample = _sample(source, failure.offset)
    guesses: list[str] = []
    if sum(byte >= 0x80 for byte in sample) >= MIN_EVIDENCE:
        guesses = _european_guesses(sample)
        if not guesses and _UTF8_SEQUENCE.search(sample):
            raise BadInput(
                sentence(
                    "the file mixes UTF-8 and another encoding (%(failure)s is not UTF-8): "
                    "save it from Excel as 'CSV UTF-8' and import it again",
                    failure=failure.said(),
                )
            )
    for codec in [*guesses, "cp1252"]:
        lines, later = _check(source, codec)
        if later is None:
            return codecs.lookup(codec).name, lines
    raise BadInput(
        sentence(
            "the file is neither UTF-8 nor Windows-1252 text (%(failure)s): save it from Excel "
            "as 'CSV UTF-8' and import it again",
            failure=failure.said(),
        )
    )


def decode_text(data: bytes) -> str:
    """Bytes as text by the same rule; what no encoding fits is decoded as Windows-1252
    with replacement characters (for formats read whole, like MT940)."""
    try:
        codec, _lines = detect_encoding(io.BytesIO(data), data[:4])
    except BadInput:
        return data.decode("cp1252", errors="replace")
    return data.decode(codec)
