"""The `encaisse` command as an operator scripts it: help, exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def encaisse(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    environment.update({"ENCAISSE_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, "-c", "from encaisse.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A data folder with a migrated database, shared by the read-only command tests."""
    folder = tmp_path_factory.mktemp("migrated")
    assert encaisse("migrate", "-v0", tmp_path=folder).returncode == 0
    return folder


def test_help_lists_the_main_commands(tmp_path):
    result = encaisse("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "serve", "report aged-balance", "digest send", "bench", "migrate"):
        assert command in result.stdout


def test_report_help_explains_the_options(tmp_path):
    result = encaisse("report", "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "--as-of" in result.stdout
    assert "--by" in result.stdout


def test_digest_help_gives_examples(tmp_path):
    result = encaisse("digest", "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "--dry-run" in result.stdout
    assert "encaisse digest send --dry-run --user remi" in result.stdout


def test_migrate_then_report_on_an_empty_ledger(tmp_path):
    assert encaisse("migrate", "-v0", tmp_path=tmp_path).returncode == 0
    result = encaisse("report", "aged-balance", "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"totals": []' in result.stdout
    assert (tmp_path / "encaisse.sqlite3").exists()


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("report", "aged-balance", "--by", "planet"), {}, "--by"),
        (("report", "aged-balance", "--as-of", "31/02/2026"), {}, "--as-of"),
        (("report", "aged-balance", "--format", "pdf"), {}, "--format"),
        (("report", "balance"), {}, "invalid choice"),
        (("report", "aged-balance"), {"DATABASE_URL": "mysql://u@localhost/db"}, "DATABASE_URL"),
        (("report", "aged-balance"), {"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        (("report", "aged-balance", "--format", "xlsx"), {}, "--output"),
        (("dunning", "run", "--as-of", "tomorrow"), {}, "--as-of"),
        (("dunning", "plan"), {}, "invalid choice"),
        (("scenario", "import", "/nonexistent/scenario.yaml"), {}, "cannot read"),
        (("scenario", "export", "Nope"), {}, "no scenario named"),
        (("outbox", "send", "--stale-after", "soon"), {}, "--stale-after"),
        (("digest", "send", "--user", "nobody"), {}, "no user named 'nobody'"),
        (("digest", "send", "--as-of", "lundi"), {}, "--as-of"),
        (("digest", "send", "--format", "pdf"), {}, "--format"),
        (("digest", "send"), {"ENCAISSE_DIGEST_WEEKDAY": "lundi"}, "ENCAISSE_DIGEST_WEEKDAY"),
    ],
)
def test_bad_input_gives_one_line_and_a_non_zero_exit(migrated, args, env, expected):
    result = encaisse(*args, tmp_path=migrated, **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line(tmp_path):
    result = encaisse(
        "report",
        "aged-balance",
        tmp_path=tmp_path,
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
    )
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_scenario_file_is_refused_naming_the_line_and_the_field(migrated, tmp_path):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: Bad\nsteps:\n  - {key: a, offset_days: 5, channel: fax}\n")
    result = encaisse("scenario", "import", str(scenario), tmp_path=migrated)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: line 3: unknown channel 'fax' (expected email, letter, sms, call, task), "
        "in steps[0].channel"
    ]


def test_a_database_never_migrated_says_to_run_migrate(tmp_path):
    result = encaisse("report", "aged-balance", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "run `encaisse migrate`" in result.stderr
