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


@pytest.fixture
def dunning_ready(db, entity, settings, tmp_path):
    """Shipped scenarios and templates, a creditor with bank details, a temporary data folder."""
    from encaisse.dunning.services.setup import install_shipped_dunning

    settings.DATA_DIR = tmp_path
    entity.iban = "FR7630006000011234567890189"
    entity.bic = "AGRIFRPP"
    entity.email = "relances@transports-rhone-loire.fr"
    entity.address = "12 quai Perrache\n69002 Lyon"
    entity.save()
    install_shipped_dunning()
    return entity
