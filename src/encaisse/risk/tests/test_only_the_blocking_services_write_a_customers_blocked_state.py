"""``Customer.blocked_since`` and ``blocked_reason`` are written only by risk.blocking (which
keeps the history and tells the ERP): no other module assigns them."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
WRITES = re.compile(r"blocked_(since|reason)\s*=(?!=)")  # an assignment or a keyword
ALLOWED = {"risk/blocking.py", "ledger/models.py"}


def test_only_the_blocking_services_write_a_customers_blocked_state():
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and "tests" not in path.parts
        and str(path.relative_to(SRC)) not in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITES.search(line)
    ]
    assert offenders == []
