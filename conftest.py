"""The named cast every test can use: a small transport company and its people."""

from __future__ import annotations

import os

import pytest

from encaisse.accounts.models import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright


@pytest.fixture
def entity(db):
    from encaisse.ledger.tests.factories import LegalEntityFactory

    return LegalEntityFactory()


@pytest.fixture
def lyon(db):
    from encaisse.ledger.tests.factories import AgencyFactory

    return AgencyFactory(code="LYO", name="Agence Lyon", city="Lyon")


@pytest.fixture
def marseille(db):
    from encaisse.ledger.tests.factories import AgencyFactory

    return AgencyFactory(code="MRS", name="Agence Marseille", city="Marseille")


def _user(username: str, role: str, **extra):
    from encaisse.ledger.tests.factories import UserFactory

    return UserFactory(username=username, role=role, **extra)


@pytest.fixture
def finance_fanny(db):
    return _user("fanny", Role.FINANCE, first_name="Fanny", last_name="Finance")


@pytest.fixture
def admin_alice(db):
    return _user(
        "alice", Role.ADMIN, first_name="Alice", last_name="Admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def viewer_victor(db):
    return _user("victor", Role.VIEWER, first_name="Victor", last_name="Viewer")


@pytest.fixture
def manager_maud(db):
    """Sales manager of Rémi and Sarah."""
    return _user("maud", Role.SALES_MANAGER, first_name="Maud", last_name="Manager")


@pytest.fixture
def agency_manager_anna(db, lyon):
    anna = _user("anna", Role.AGENCY_MANAGER, first_name="Anna", last_name="Agence", agency=lyon)
    anna.managed_agencies.add(lyon)
    return anna


@pytest.fixture
def rep_remi(db, manager_maud, lyon):
    return _user(
        "remi",
        Role.SALES_REP,
        first_name="Rémi",
        last_name="Commercial",
        manager=manager_maud,
        agency=lyon,
    )


@pytest.fixture
def rep_sarah(db, manager_maud, lyon):
    return _user(
        "sarah",
        Role.SALES_REP,
        first_name="Sarah",
        last_name="Vente",
        manager=manager_maud,
        agency=lyon,
    )


@pytest.fixture
def rep_paul(db, marseille):
    """A rep of another team and agency."""
    return _user("paul", Role.SALES_REP, first_name="Paul", last_name="Sud", agency=marseille)


@pytest.fixture
def portfolios(entity, rep_remi, rep_sarah, rep_paul, lyon, marseille):
    """Two customers each for Rémi, Sarah (Lyon) and Paul (Marseille), with open invoices."""
    from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

    customers = {}
    for rep, agency in ((rep_remi, lyon), (rep_sarah, lyon), (rep_paul, marseille)):
        for index in (1, 2):
            customer = CustomerFactory(
                entity=entity,
                sales_rep=rep,
                agency=agency,
                external_id=f"{rep.username.upper()}-{index}",
                name=f"Client {rep.first_name} {index}",
            )
            InvoiceFactory(customer=customer, number=f"F-{rep.username}-{index}")
            customers[f"{rep.username}{index}"] = customer
    return customers


@pytest.fixture
def worker_env(tmp_path):
    """Environment for a real `encaisse` process sharing this test's database."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{s['NAME']}"
    else:
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "ENCAISSE_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


ENCAISSE_COMMAND = ["-c", "from encaisse.cli import main; main()"]
