from __future__ import annotations

from pathlib import Path

import pytest

from encaisse.dunning.services.scenarios import import_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture
def shipped_scenarios(db):
    """The three scenarios Encaisse ships (SME/small, key accounts, public sector)."""
    return {
        path.stem: import_scenario(path.read_text(encoding="utf-8")).scenario
        for path in sorted(SCENARIOS.glob("*.yaml"))
    }
