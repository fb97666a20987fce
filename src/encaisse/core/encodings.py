"""Which encoding a text file is in: the one place the guess is made (CSV, FEC, MT940).

A byte-order mark decides first, then strict UTF-8 over the whole file (most files, and the
cheapest check). A file that is not UTF-8 but holds UTF-8 accented letters mixes two
encodings and is refused. Otherwise Windows-1252, what French Excel writes, whenever the
whole file decodes with it (ISO-8859-1 files too); and when it does not (bytes Windows-1252
leaves undefined: DOS code page 850's ü and É, Mac Roman's ç and è), charset-normalizer
chooses among the other single-byte encodings of European ledgers, from a sample around the
first byte that is not UTF-8, and its choice is checked over the whole file.
docs/architecture.md says why charset-normalizer does not choose Windows-1252 itself.
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
WINDOWS = "cp1252"
# Where Windows-1252 does not decode, charset-normalizer chooses among these.
OTHER_EUROPEAN = ("cp850", "mac_roman", "iso8859_15")
# Fewer non-ASCII bytes than this in the sample and no statistical guess is worth making.
MIN_EVIDENCE = 6
SAMPLE_BEFORE, SAMPLE_AFTER = 16 * 1024, 256 * 1024
# A UTF-8 accented Latin letter (à to ÿ, À to ß): in Windows-1252 text it would read 'Ã'
# followed by a symbol, which French and European ledgers do not write.
_UTF8_ACCENT = re.compile(rb"\xc3[\x80-\xbf]")
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


def _other_european_guesses(sample: bytes) -> list[str]:
    """charset-normalizer's plausible encodings for ``sample`` among ``OTHER_EUROPEAN``."""
    return [match.encoding for match in from_bytes(sample, cp_isolation=list(OTHER_EUROPEAN))]


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
    if _UTF8_ACCENT.search(sample):
        raise BadInput(
            sentence(
                "the file mixes UTF-8 and another encoding (%(failure)s is not UTF-8): "
                "save it from Excel as 'CSV UTF-8' and import it again",
                failure=failure.said(),
            )
        )
    lines, undefined = _check(source, WINDOWS)
    if undefined is None:
        return WINDOWS, lines
    if sum(byte >= 0x80 for byte in sample) >= MIN_EVIDENCE:
        for codec in _other_european_guesses(sample):
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
