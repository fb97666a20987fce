"""`encaisse demo`: creates the company once, reuses it, starts over on --reset, serves it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.core.dates import today
from encaisse.demo.summary import demo_summary
from encaisse.ledger.models import Customer
from encaisse.ledger.tests.factories import CustomerFactory, LegalEntityFactory

DEMO = ("demo", "--no-serve", "--customers", "60")


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    summary = demo_summary(today=today())
    return (
        summary.customers,
        summary.users,
        summary.agencies,
        summary.invoices,
        summary.credit_notes,
        summary.payments,
        summary.allocations,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_running_the_demo_twice_reuses_the_company(db):
    first = run_demo(*DEMO)
    created = counts()
    second = run_demo(*DEMO)
    assert counts() == created
    assert created[0] == 60
    assert "Creating the demo company Transports Rhône-Loire SAS" in first
    assert "reusing them" in second
    for output in (first, second):
        assert "http://127.0.0.1:8000/" in output
        assert 'every demo password is "encaisse"' in output
        assert "fanny" in output
        assert "Finance" in output


def test_reset_creates_the_company_again(transactional_db):
    # Committed rows, as in real use: PostgreSQL will not TRUNCATE (flush) tables with
    # deferred foreign-key checks pending in the same transaction.
    run_demo(*DEMO)
    created = counts()
    output = run_demo(*DEMO, "--reset")
    assert "erased every row" in output
    assert "Creating the demo company" in output
    assert counts() == created


def test_reset_refuses_to_erase_a_ledger_that_is_not_the_demos(db):
    CustomerFactory(entity=LegalEntityFactory(code="ACME", name="Acme SA"))
    with pytest.raises(CommandError, match="another ledger than the demo's"):
        run_demo(*DEMO, "--reset")
    assert Customer.objects.count() == 1


def test_a_demo_with_too_few_customers_is_refused_in_one_line(db):
    with pytest.raises(CommandError, match="--customers: 5 is below 20"):
        run_demo("demo", "--no-serve", "--customers", "5")


def test_serving_on_a_port_already_taken_is_a_one_line_error(db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}"):
            call_command("serve", "--port", port, stdout=StringIO())


def test_the_demo_serves_the_login_page(tmp_path):
    """The whole command in a process of its own, on a SQLite database of its own."""
    port = free_port()
    env = {**os.environ, "ENCAISSE_DATA_DIR": str(tmp_path)}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    command = "from encaisse.cli import main; main()"
    demo = subprocess.Popen(
        [sys.executable, "-c", command, "demo", "--customers", "20", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 90
        while status is None and time.monotonic() < deadline and demo.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/login/"
                with urllib.request.urlopen(url) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert status == 200
    finally:
        demo.terminate()
        output, _ = demo.communicate(timeout=30)
    assert f"Encaisse is running on http://127.0.0.1:{port}/" in output
