"""`encaisse bench` end to end: a tiny ledger in a scratch database, as an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

STEPS = (
    "migrate",
    "load (generate + bulk insert)",
    "refresh_balances()",
    "aged balance today, by total",
    "aged balance today, by rep",
    "aged balance today, by customer",
    "aged balance as of",
    "customer list page 1, finance",
    "customer list page 1, sales rep",
    "customer list count, finance",
    "customer list count, sales rep",
)
TINY = ("--invoices", "2000", "--runs", "1")


def encaisse_with_pid(
    *args: str, tmp_path, **env: str
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the command line; its process id names the scratch database it makes."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ENCAISSE_BENCH_CHILD"}
    }
    environment.update({"ENCAISSE_DATA_DIR": str(tmp_path)}, **env)
    command = [sys.executable, "-c", "from encaisse.cli import main; main()", *args]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    ) as process:
        stdout, stderr = process.communicate(timeout=600)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), process.pid


def encaisse(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    return encaisse_with_pid(*args, tmp_path=tmp_path, **env)[0]


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not a PostgreSQL URL")
    return url


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_bench_on_sqlite_names_every_step_and_leaves_nothing_behind(tmp_path):
    scratch_folder = tmp_path / "tmp"
    scratch_folder.mkdir()
    result = encaisse("bench", *TINY, tmp_path=tmp_path, TMPDIR=str(scratch_folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("encaisse bench: SQLite")
    assert "2,000 invoices" in result.stdout
    for step in STEPS:
        assert step in result.stdout
    assert "check ok" in result.stdout
    assert list(scratch_folder.iterdir()) == []
    assert list(tmp_path.glob("*.sqlite3")) == []  # the user's database was never made


@pytest.mark.postgres
def test_bench_on_postgresql_makes_and_drops_its_own_database(tmp_path):
    url = postgres_url()
    result, pid = encaisse_with_pid("bench", *TINY, "--database", url, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("encaisse bench: PostgreSQL")
    for step in (*STEPS, "VACUUM ANALYZE"):
        assert step in result.stdout
    assert "check ok" in result.stdout
    server = urlsplit(url)._replace(scheme="postgresql", path="/postgres")
    with psycopg.connect(urlunsplit(server)) as connection:
        left = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [f"encaisse_bench_{pid}"]
        ).fetchall()
    assert left == []


def test_json_gives_each_step_with_its_timings(tmp_path):
    result = encaisse("bench", *TINY, "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["database"]["vendor"] == "sqlite"
    assert data["invoices"] == 2000
    assert data["ledger"]["customers"] == 100
    steps = {step["key"]: step for step in data["steps"]}
    assert {"migrate", "load", "refresh_balances", "aged_total", "aged_past_total",
            "list_finance", "count_finance"} <= set(steps)  # fmt: skip
    assert steps["load"]["rows"] > 2000
    assert steps["load"]["rows_per_second"] > 0
    assert steps["list_finance"]["rows"] == 25
    assert steps["count_finance"]["rows"] == 100
    assert steps["risk_score"]["rows"] == 100  # every customer scored
    assert data["check"] == {"ok": True, "problems": []}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--invoices", "0"), "--invoices"),
        (("--invoices", "-5"), "--invoices"),
        (("--invoices", "many"), "--invoices"),
        (("--runs", "0"), "--runs"),
        (("--database", "mysql://root@localhost/shop"), "--database"),
        (("--database", "https://example.com"), "--database"),
    ],
)
def test_bad_input_gives_one_line_and_a_non_zero_exit(tmp_path, args, expected):
    assert_one_line_error(encaisse("bench", *args, tmp_path=tmp_path), expected)


def test_an_unreachable_server_gives_one_line(tmp_path):
    result = encaisse(
        "bench", "--invoices", "10", "--database", "postgres://nobody@127.0.0.1:1/none",
        tmp_path=tmp_path,
    )  # fmt: skip
    assert_one_line_error(result, "127.0.0.1:1")


def test_the_benchmark_refuses_to_load_into_a_database_it_did_not_make(tmp_path):
    own = tmp_path / "encaisse.sqlite3"
    result = encaisse(
        "bench", *TINY,
        tmp_path=tmp_path, ENCAISSE_BENCH_CHILD="1", DATABASE_URL=f"sqlite:///{own}",
    )  # fmt: skip
    assert_one_line_error(result, "not a scratch database")
    assert not own.exists()
