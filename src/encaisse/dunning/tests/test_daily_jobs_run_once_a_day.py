"""The daily housekeeping jobs (settings.ENCAISSE_DAILY_JOBS) run once a day after their
hour, in-process, each with the day they are about."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from encaisse.core.jobs import job
from encaisse.dunning import scheduler

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAYS_SEEN: list[str] = []


@job()
def remember_the_day(as_of: str) -> None:
    DAYS_SEEN.append(as_of)


@pytest.fixture
def daily_job(settings, monkeypatch):
    settings.ENCAISSE_DAILY_JOBS_AT = "05:30"
    settings.ENCAISSE_DUNNING_RUN_AT = "23:59"
    settings.ENCAISSE_DAILY_JOBS = [f"{__name__}.remember_the_day"]
    monkeypatch.setattr(scheduler, "_daily_jobs_done_on", {})
    DAYS_SEEN.clear()


@pytest.mark.django_db
def test_daily_jobs_wait_for_their_hour_then_run_once(daily_job):
    scheduler.tick(dt.datetime(2026, 3, 10, 5, 29, tzinfo=PARIS))
    assert DAYS_SEEN == []
    scheduler.tick(dt.datetime(2026, 3, 10, 5, 30, tzinfo=PARIS))
    scheduler.tick(dt.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS))
    assert DAYS_SEEN == ["2026-03-10"]
    scheduler.tick(dt.datetime(2026, 3, 11, 5, 31, tzinfo=PARIS))
    assert DAYS_SEEN == ["2026-03-10", "2026-03-11"]
