"""The named cast every test can use: a small transport company and its people; and
``package_sample``, files other programs ship, fetched from PyPI when a test runs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from encaisse.accounts.models import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language: a request in French leaves French
    active in the thread (LocaleMiddleware activates, nothing deactivates), and what a later
    test renders outside a request (an import's result, a command's output) would follow it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


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
def jobs_run_inline(monkeypatch):
    """Background jobs run in the test's thread once the transaction commits (when a test
    runs its on_commit callbacks), with their retry policy but no wait between tries.
    Returns the names of the jobs run."""
    from encaisse.core import jobs

    ran: list[str] = []

    def start_here(task, kwargs):
        ran.append(task.name)
        retries = 0
        while jobs.attempt(task, kwargs, retries) is not None:
            retries += 1

    monkeypatch.setattr(jobs, "_start", start_here)
    return ran


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


@pytest.fixture
def smtp_inbox(settings):
    """Django sends through a real SMTP server on 127.0.0.1 for this test."""
    from encaisse.core.tests.smtp import Inbox, start_smtp_server

    inbox = Inbox()
    controller = start_smtp_server(inbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    inbox.port = controller.port
    yield inbox
    inbox.release.set()
    controller.stop()


@pytest.fixture
def redis_url():
    """An emptied Redis database of this run's own: ENCAISSE_TEST_REDIS_URL, else one picked
    by process id (two suites at once never share a queue)."""
    import redis

    url = os.environ.get("ENCAISSE_TEST_REDIS_URL") or (
        f"redis://127.0.0.1:6379/{1 + os.getpid() % 15}"
    )
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not running at {url} (start it: see README)")
    return url


class CeleryWorkers:
    """Real `celery worker` processes on Redis, sharing the test's database."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, *, pool: str = "solo", **env: str) -> subprocess.Popen:
        index = len(self.started)
        with (self.logs / f"worker-{index}.log").open("wb") as log:
            # Celery of the interpreter running the tests, with fixed arguments.
            worker = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "-A", "encaisse.config.celery", "worker",
                 f"--pool={pool}", "--concurrency=1", "--loglevel=WARNING", "-n", f"w{index}@%h",
                 "--without-mingle", "--without-gossip", "--without-heartbeat"],
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its pool processes are stopped with it
            )  # fmt: skip
        self.started.append(worker)
        return worker

    def output(self) -> str:
        """What every worker logged (to read when a test fails)."""
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.logs.glob("worker-*.log"))
        )

    def stop_all(self) -> None:
        """Stop every worker this test started, with its pool processes (its own session)."""
        for worker in self.started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.started:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):  # a pool process left behind
                os.killpg(worker.pid, signal.SIGKILL)


@pytest.fixture
def celery_workers(worker_env, redis_url, settings, tmp_path):
    """Celery on Redis for this test: its jobs are enqueued to Redis (REDIS_URL set, Celery
    no longer eager) and ``celery_workers.start()`` starts a real worker that runs them."""
    from encaisse.config.celery import app

    names = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}
    # Keys of this test run's own: another run's workers on the same Redis database (other
    # suites pick theirs by process id) never take its jobs.
    prefix = f"encaisse-test-{os.getpid()}:"

    def reconnect():
        app._pool = None  # connections to the former broker are not reused
        app.amqp._producer_pool = None

    settings.REDIS_URL = redis_url
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        broker_transport_options={**saved["broker_transport_options"], "global_keyprefix": prefix},
    )
    reconnect()
    env = {**worker_env, "REDIS_URL": redis_url, "ENCAISSE_REDIS_KEY_PREFIX": prefix}
    workers = CeleryWorkers(env, tmp_path)
    try:
        yield workers
    finally:
        workers.stop_all()
        app.conf.update(saved)
        reconnect()


SAMPLES_CACHE = "ENCAISSE_SAMPLES_CACHE"
_ARCHIVES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")


def _samples_cache() -> Path:
    return Path(os.environ.get(SAMPLES_CACHE) or Path.home() / ".cache" / "encaisse-samples")


class _SampleUnavailable(Exception):
    """The sdist could not be downloaded; the message says why and where to put it."""


def _source_archive(name: str, version: str) -> Path:
    """The sdist of ``name==version``, downloaded by pip into the cache the first time.

    Data other projects wrote is never committed here (project rule): a test that reads it
    gets it from the package registry pip is configured with, once per machine.
    """
    folder = _samples_cache() / f"{name}-{version}"
    found = sorted(path for path in folder.glob("*") if path.name.endswith(_ARCHIVES))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".download-") as download:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                   "--disable-pip-version-check", "--no-input", "--quiet",
                   f"{name}=={version}", "-d", download]  # fmt: skip
        try:
            # pip of the interpreter running the tests, with fixed arguments.
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603
            said = (done.stderr or done.stdout).strip().splitlines()
            reason = said[-1] if said else f"pip exited with {done.returncode}"
        except (OSError, subprocess.TimeoutExpired) as error:
            done, reason = None, str(error)
        archives = [path for path in Path(download).iterdir() if path.name.endswith(_ARCHIVES)]
        if done is None or done.returncode != 0 or len(archives) != 1:
            raise _SampleUnavailable(
                f"sample {name}=={version} could not be downloaded with pip: {reason} "
                f"(without network, put its sdist in {folder})"
            )
        # Moved in whole: a run stopped midway, or another one beside it, leaves no half file.
        archive = folder / archives[0].name
        os.replace(archives[0], archive)
        return archive


def _read_member(archive: Path, member: str) -> bytes:
    """The bytes of ``member`` (a path under the archive's top folder), never extracted."""
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
            top = names[0].split("/", 1)[0]
            if f"{top}/{member}" in names:
                return opened.read(f"{top}/{member}")
    else:
        with tarfile.open(archive, "r:*") as opened:
            top = opened.getnames()[0].split("/", 1)[0]
            try:
                found = opened.extractfile(f"{top}/{member}")
            except KeyError:
                found = None
            if found is not None:
                return found.read()
    pytest.fail(f"{member} is not a file of {archive.name}")


@pytest.fixture(scope="session")
def package_sample() -> Callable[[str, str, str], bytes]:
    """package_sample(name, version, member) -> the bytes of a file of that PyPI sdist.

    ``package_sample("trytond_account_fr", "8.2.0", "tests/FEC.csv")``: Tryton's own
    expected FEC. Skips the test, saying why, when the package cannot be downloaded (tried
    once per run: without network the other tests skip at once).
    """
    archives: dict[tuple[str, str], Path | _SampleUnavailable] = {}

    def read(name: str, version: str, member: str) -> bytes:
        if (name, version) not in archives:
            try:
                archives[name, version] = _source_archive(name, version)
            except _SampleUnavailable as unavailable:
                archives[name, version] = unavailable
        archive = archives[name, version]
        if isinstance(archive, _SampleUnavailable):
            pytest.skip(str(archive))
        return _read_member(archive, member)

    return read
