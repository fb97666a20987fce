"""One job layer (encaisse.core.jobs): no module starts a thread, a pool or a Celery task of
its own, and every Celery task is a ``@job`` with the layer's retry and failure policy."""

from __future__ import annotations

import re
from pathlib import Path

import encaisse
from encaisse.config.celery import app
from encaisse.core.jobs import Job

SOURCE = Path(encaisse.__file__).parent
LAYER = SOURCE / "core" / "jobs.py"
# The in-process scheduler's own thread: it runs its jobs through the layer (run_now).
SCHEDULER = SOURCE / "dunning" / "scheduler.py"
BACKGROUND = re.compile(
    r"(?<!self)\.delay\(|\.apply_async\(|ThreadPoolExecutor|ProcessPoolExecutor|threading\.Thread\("
    r"|threading\.Timer\(|\bshared_task\b|@app\.task|\.send_task\("
)


def test_only_the_job_layer_starts_background_work():
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and path not in {LAYER, SCHEDULER}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BACKGROUND.search(line)
    ]
    assert found == [], "start background work with encaisse.core.jobs.enqueue:\n" + "\n".join(
        found
    )


def test_every_celery_task_is_a_job_of_the_layer():
    app.loader.import_default_modules()  # the apps' tasks modules
    ours = {name: task for name, task in app.tasks.items() if name.startswith("encaisse.")}
    assert "encaisse.imports.tasks.run_import_task" in ours
    assert "encaisse.collaboration.tasks.send_notification_email_task" in ours
    assert "encaisse.dunning.tasks.send_outbox_task" in ours
    assert [name for name, task in ours.items() if not isinstance(task, Job)] == []
