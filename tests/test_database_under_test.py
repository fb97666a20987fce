"""CI runs the suite twice; this proves the second run really was on PostgreSQL."""

import os

import pytest
from django.db import connection


def test_suite_runs_on_the_database_ci_asked_for(db):
    expected = os.environ.get("ENCAISSE_EXPECT_DATABASE")
    if not expected:
        pytest.skip("no database expectation set (CI sets ENCAISSE_EXPECT_DATABASE)")
    assert connection.vendor == expected
