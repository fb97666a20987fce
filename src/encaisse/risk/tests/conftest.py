"""The risk tests read English; the cast of the ratings tests: three customers of known
SIRENs in two portfolios."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from encaisse.risk.tests.ratings_samples import siren, siret


@pytest.fixture(autouse=True)
def _readers_of_english(settings):
    """The risk tests read what people are told in English: a user who chose no language is
    written to in the company's language, here English (French has tests of its own)."""
    settings.ENCAISSE_DEFAULT_LANGUAGE = "en"


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path

    return write


@pytest.fixture
def rated(portfolios):
    """Rémi's two customers and Paul's first, each with a SIREN (Rémi's second by SIRET only)."""
    remi1, remi2, paul1 = portfolios["remi1"], portfolios["remi2"], portfolios["paul1"]
    remi1.siren = siren("55210055")
    remi1.save()
    remi2.siret = siret(siren("73282932"))
    remi2.save()
    paul1.siren = siren("44306184")
    paul1.save()
    return {"remi1": remi1, "remi2": remi2, "paul1": paul1}
