"""Encaisse settings, driven by the environment.

Nothing configured gives the embedded default: a SQLite database in the data folder
(``ENCAISSE_DATA_DIR``, default ``./data``), jobs run in-process, mail kept locally.
Production sets ``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and the email settings.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("ENCAISSE_DATA_DIR") or Path.cwd() / "data").resolve()
DEMO = env_bool("ENCAISSE_DEMO")
DEBUG = env_bool("DEBUG")
# Commands run from the `encaisse` CLI (other than `serve`) may use a key kept in the data
# folder: they sign nothing a browser sees. A server in production must be given SECRET_KEY.
LOCAL_KEY_ALLOWED = DEMO or DEBUG or env_bool("ENCAISSE_LOCAL_KEY")


def _local_secret_key() -> str:
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not LOCAL_KEY_ALLOWED:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it in the environment (or DEBUG=1 for development)."
        )
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "encaisse.core",
    "encaisse.accounts",
    "encaisse.webhooks",
    "encaisse.ledger",
    "encaisse.imports",
    "encaisse.collaboration",
    "encaisse.dunning",
    "encaisse.banking",
    "encaisse.risk",
    "encaisse.reporting",
    "encaisse.demo",
    "encaisse.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "encaisse.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "encaisse.config.urls"
WSGI_APPLICATION = "encaisse.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "encaisse.core.context_processors.navigation",
                "encaisse.accounts.context_processors.capabilities",
                "encaisse.collaboration.context_processors.notifications",
            ],
            "builtins": ["encaisse.core.templatetags.encaisse"],
        },
    },
]


def _database_config() -> dict[str, object]:
    default_url = f"sqlite:///{DATA_DIR / 'encaisse.sqlite3'}"
    url = os.environ.get("DATABASE_URL") or default_url
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Encaisse knows: {error}"
        ) from None
    engine = str(config.get("ENGINE", ""))
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL: Encaisse runs on SQLite or PostgreSQL, not {engine or url!r}."
        )
    if engine == "django.db.backends.sqlite3":
        name = Path(str(config["NAME"]))
        if str(name) != ":memory:":
            name.parent.mkdir(parents=True, exist_ok=True)
        # WAL lets the web server read while a job writes; a generous timeout absorbs bursts.
        config["OPTIONS"] = {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
        config["CONN_MAX_AGE"] = 0
    else:
        # Reports are short aggregate queries: PostgreSQL's JIT costs more than it saves.
        config["OPTIONS"] = {"options": "-c jit=off"}
    return config


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["encaisse.accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
# Off: ids and numbers written into HTML attributes and forms must stay plain (a French
# "1 234" in an id or a hidden value breaks selectors and posts). Money and counts are
# grouped explicitly by the |money and |amount filters.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Stored documents (invoice PDFs): served only through views that check who may see them,
# never under a public URL.
MEDIA_ROOT = DATA_DIR / "media"
# The app serves its own static files (no CDN, intranets welcome), without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Without EMAIL_HOST (the embedded default) mail is kept in DATA_DIR/mail, one file per
# message, and every message stays readable on the outbox page.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "encaisse@localhost")
# Where people reach Encaisse: links in e-mails are built on it.
ENCAISSE_BASE_URL = os.environ.get("ENCAISSE_BASE_URL", "http://127.0.0.1:8000")

REDIS_URL = os.environ.get("REDIS_URL", "")

# Jobs (encaisse.core.jobs, docs/jobs.md): Celery on Redis when REDIS_URL is set; without it,
# a thread pool in the app's process (Celery then only runs a dunning run's partitions
# eagerly, in the caller).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a job is acknowledged once done: one whose worker dies comes back
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job a worker took and never acknowledged (the worker died) is handed out again after
# this long; longer than the longest retry delay. Every job tolerates a second delivery.
ENCAISSE_JOB_REDELIVER_AFTER_SECONDS = int(
    os.environ.get("ENCAISSE_JOB_REDELIVER_AFTER_SECONDS") or "900"
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": ENCAISSE_JOB_REDELIVER_AFTER_SECONDS,
    "unacked_restore_throttle": 1,  # look for such jobs every 10 s (one Redis query)
    # Several Encaisse (or test runs) may share one Redis database, each under its prefix.
    "global_keyprefix": os.environ.get("ENCAISSE_REDIS_KEY_PREFIX") or "",
}
# A transient failure (an SMTP error...) is retried after 30 s, then 60, 120... at most 600.
ENCAISSE_JOB_RETRY_BACKOFF_SECONDS = float(
    os.environ.get("ENCAISSE_JOB_RETRY_BACKOFF_SECONDS") or "30"
)
ENCAISSE_JOB_RETRY_BACKOFF_MAX_SECONDS = float(
    os.environ.get("ENCAISSE_JOB_RETRY_BACKOFF_MAX_SECONDS") or "600"
)
# A long job (an import) shows it is alive this often; one silent for ENCAISSE_JOB_LOST_AFTER
# is taken as lost with its worker (on the worker's own machine a dead process is seen at once).
ENCAISSE_JOB_HEARTBEAT_SECONDS = float(os.environ.get("ENCAISSE_JOB_HEARTBEAT_SECONDS") or "30")
ENCAISSE_JOB_LOST_AFTER_SECONDS = int(os.environ.get("ENCAISSE_JOB_LOST_AFTER_SECONDS") or "300")
# What jobs lost with their worker left behind, found again when a worker or the app starts
# and every minute: each takes ``at_start`` and returns how many it recovered.
ENCAISSE_JOB_RECOVERIES = [
    "encaisse.imports.jobs.recover_lost_import_runs",
    "encaisse.collaboration.notifications.resend_lost_notification_emails",
    "encaisse.webhooks.sending.send_due_deliveries",
]
# What `encaisse serve` and `encaisse demo` start beside the web server: without Redis, the
# recoveries (once) and the in-process scheduler (daily run, outbox, recoveries); with
# Redis, `encaisse worker` does it.
ENCAISSE_BACKGROUND_SERVICES = (
    []
    if REDIS_URL
    else [
        "encaisse.core.jobs.recover_lost_jobs_at_start",
        *(
            ["encaisse.dunning.scheduler.start_in_thread"]
            if env_bool("ENCAISSE_SCHEDULER", default=True)
            else []
        ),
    ]
)
# What Encaisse writes to a person who chose no language (notifications, tasks, e-mails):
# the company's language.
ENCAISSE_DEFAULT_LANGUAGE = os.environ.get("ENCAISSE_DEFAULT_LANGUAGE", "fr")
# The daily dunning run (HH:MM, company time zone) and how many partitions share it.
ENCAISSE_DUNNING_RUN_AT = os.environ.get("ENCAISSE_DUNNING_RUN_AT", "06:00")
ENCAISSE_DUNNING_PARTITIONS = int(os.environ.get("ENCAISSE_DUNNING_PARTITIONS", "4"))
# Dunning waits this many days after a promised date before it reminds again; the daily
# check of promises calls a promise broken only once they have passed.
ENCAISSE_PROMISE_GRACE_DAYS = int(os.environ.get("ENCAISSE_PROMISE_GRACE_DAYS") or "3")
# A key account's field assessment is asked for again when the latest is this many months old.
ENCAISSE_ASSESSMENT_MONTHS = int(os.environ.get("ENCAISSE_ASSESSMENT_MONTHS") or "12")
# Credit ratings: a score down by more than this many points is a downgrade (risk app).
ENCAISSE_RATING_DOWNGRADE_POINTS = int(os.environ.get("ENCAISSE_RATING_DOWNGRADE_POINTS") or "10")
_run_hour, _, _run_minute = ENCAISSE_DUNNING_RUN_AT.partition(":")
# The one place the schedule is declared (Celery beat; the in-process scheduler reads the
# same ENCAISSE_DUNNING_RUN_AT).
# Daily housekeeping jobs (dotted paths of ``@job``s taking an ``as_of`` ISO date), run once
# a day at ENCAISSE_DAILY_JOBS_AT: promises kept or broken, disputes past due, digests. Each
# must be safe to run twice on the same day (the in-process scheduler runs them again after
# a restart). Apps add theirs here, the one list.
ENCAISSE_DAILY_JOBS_AT = os.environ.get("ENCAISSE_DAILY_JOBS_AT", "05:30")
ENCAISSE_DAILY_JOBS: list[str] = [
    "encaisse.collaboration.tasks.check_promises_task",
    "encaisse.reporting.tasks.send_weekly_portfolio_digests_task",
    "encaisse.collaboration.tasks.notify_overdue_disputes_task",
    # Before the digests, so that what it tells is in today's digest.
    "encaisse.risk.tasks_assessment.remind_reps_of_due_assessments_task",
    "encaisse.risk.tasks_ratings.announce_expiring_covers_task",
    "encaisse.risk.tasks_limits.alert_limit_crossings_task",
    "encaisse.risk.tasks.score_customers_task",  # after the promises' check: broken ones count
    "encaisse.collaboration.tasks.send_notification_digests_task",
    "encaisse.risk.tasks_blocking.apply_blocking_rules_task",
]
# A weak signal when the average days past due grow by more than this over 3 months.
ENCAISSE_RISK_DELAY_GROWTH_DAYS = int(os.environ.get("ENCAISSE_RISK_DELAY_GROWTH_DAYS", "10"))
_daily_hour, _, _daily_minute = ENCAISSE_DAILY_JOBS_AT.partition(":")
# The weekly portfolio e-mail goes out with the daily jobs of this day (a name, or 1-7 from
# Monday), and on the days after it to whoever has not had this week's yet.
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_digest_day = (os.environ.get("ENCAISSE_DIGEST_WEEKDAY") or "monday").strip().lower()
if _digest_day in _WEEKDAYS:
    ENCAISSE_DIGEST_WEEKDAY = _WEEKDAYS.index(_digest_day)
elif _digest_day in {"1", "2", "3", "4", "5", "6", "7"}:
    ENCAISSE_DIGEST_WEEKDAY = int(_digest_day) - 1
else:
    raise ImproperlyConfigured(
        f"ENCAISSE_DIGEST_WEEKDAY: {_digest_day!r} is not a day (monday ... sunday, or 1-7)"
    )
CELERY_BEAT_SCHEDULE = {
    "daily-jobs": {
        "task": "encaisse.core.tasks.run_daily_jobs_task",
        "schedule": crontab(hour=int(_daily_hour), minute=int(_daily_minute or 0)),
    },
    "daily-dunning-run": {
        "task": "encaisse.dunning.tasks.execute_dunning_run_task",
        "schedule": crontab(hour=int(_run_hour), minute=int(_run_minute or 0)),
    },
    "send-outbox": {"task": "encaisse.dunning.tasks.send_outbox_task", "schedule": 60.0},
    "recover-lost-jobs": {"task": "encaisse.core.tasks.recover_lost_jobs_task", "schedule": 60.0},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# How long after writing a note its author may still change or withdraw it.
ENCAISSE_NOTE_EDIT_MINUTES = int(os.environ.get("ENCAISSE_NOTE_EDIT_MINUTES") or "15")

# Dunning: late-payment interest (ECB rate + 10 points by default, art. L441-10 C. com.),
# the SMS gateway, and how long a message may stay claimed before another worker retries it.
ENCAISSE_LATE_INTEREST_RATE = os.environ.get("ENCAISSE_LATE_INTEREST_RATE", "12.15")
ENCAISSE_SMS_BACKEND = os.environ.get(
    "ENCAISSE_SMS_BACKEND", "encaisse.dunning.channels.RecordingSmsBackend"
)
ENCAISSE_OUTBOX_STALE_SECONDS = int(os.environ.get("ENCAISSE_OUTBOX_STALE_SECONDS", "600"))
# A sender gives up on an SMTP server well before its claim is stale and handed to another
# sender: a slow server never makes a message go twice.
EMAIL_TIMEOUT = min(int(os.environ.get("EMAIL_TIMEOUT", "60")), ENCAISSE_OUTBOX_STALE_SECONDS // 3)
ENCAISSE_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("ENCAISSE_OUTBOX_MAX_ATTEMPTS", "5"))

# Imports: the payment terms (days) of the customers a FEC or a Factur-X invoice creates; a
# FEC has no due dates, so its new invoices are due that long after their issue date.
ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS = int(os.environ.get("ENCAISSE_IMPORT_PAYMENT_TERMS_DAYS", "30"))
# Reminder e-mails attach the invoices' PDFs up to this total size (bytes).
ENCAISSE_EMAIL_ATTACHMENTS_MAX_BYTES = int(
    os.environ.get("ENCAISSE_EMAIL_ATTACHMENTS_MAX_BYTES", str(10 * 1024 * 1024))
)

# Rows per page in lists; the UI keeps pages light for phones.
PAGE_SIZE = 25

# Webhooks (docs/webhooks.md): how long a receiver may take to answer, how many attempts a
# delivery gets (waiting 1, 2, 4... minutes between them, at most an hour), and the hosts on
# an internal network that may receive them (names, addresses or networks such as
# 10.1.0.0/16; without them only public addresses may, or loopback/private ones with DEBUG).
ENCAISSE_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("ENCAISSE_WEBHOOK_TIMEOUT_SECONDS") or "10")
ENCAISSE_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("ENCAISSE_WEBHOOK_MAX_ATTEMPTS") or "8")
ENCAISSE_WEBHOOK_RETRY_BACKOFF_SECONDS = float(
    os.environ.get("ENCAISSE_WEBHOOK_RETRY_BACKOFF_SECONDS") or "60"
)
ENCAISSE_WEBHOOK_RETRY_BACKOFF_MAX_SECONDS = float(
    os.environ.get("ENCAISSE_WEBHOOK_RETRY_BACKOFF_MAX_SECONDS") or "3600"
)
ENCAISSE_WEBHOOK_ALLOWED_HOSTS = env_list("ENCAISSE_WEBHOOK_ALLOWED_HOSTS")

# Blocking (docs/blocking.md): whether unblocking needs a second finance user's approval;
# the rules the daily job blocks by (risk.blocking_rules.RULES; empty: none), the days past
# due of the rule "over limit and overdue", and how long a person's unblocking holds
# against the rules.
ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL = env_bool("ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL")
# No rule by default: a block stops the customer's orders in the ERP, so a company turns a
# rule on when it has checked whom it would block (the blocked list shows it).
ENCAISSE_BLOCKING_RULES = env_list("ENCAISSE_BLOCKING_RULES")
ENCAISSE_BLOCKING_OVERDUE_DAYS = int(os.environ.get("ENCAISSE_BLOCKING_OVERDUE_DAYS") or "60")
ENCAISSE_BLOCKING_RULE_QUIET_DAYS = int(os.environ.get("ENCAISSE_BLOCKING_RULE_QUIET_DAYS") or "30")
