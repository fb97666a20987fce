"""The `encaisse` command: Django's management commands with Encaisse's settings.

`encaisse demo`, `encaisse serve`, `encaisse report ...`, `encaisse bench`, and every
Django command (`encaisse migrate`, `encaisse createsuperuser`, ...).
"""

from __future__ import annotations

import os
import sys

USAGE = """usage: encaisse COMMAND [options]

Encaisse, cash collection for B2B companies.

Main commands:
  demo                     create (once) and serve a demo company on http://127.0.0.1:8000
  serve                    serve the application (production: set SECRET_KEY, DATABASE_URL)
  entity add|set|list      your company (legal entities): name, SIREN, VAT, IBAN, BIC, e-mail
  import KIND FILE         load customers, invoices or payments (CSV, XLSX), fec, bank, facturx
  scenario import|export   dunning scenarios as YAML
  dunning run              plan today's reminders, letters and calls (--dry-run to preview)
  outbox send              send what dunning planned (e-mail, PDF letters, SMS), once each
  worker                   the daily run and the outbox in the background (Celery with REDIS_URL)
  webhooks test|deliveries send a signed test event to a subscription; the delivery log
  report aged-balance      the aged balance as of a date (table, json, csv, xlsx)
  risk blocked             the blocked customers (table, json, csv for an ERP that reads files)
  digest send              the weekly portfolio e-mail of each rep and manager (--dry-run)
  risk score               score every customer's risk again and print why (--format json)
  bench                    time loading and querying a generated ledger of N invoices
  migrate                  create or update the database
  createsuperuser          add an administrator

`encaisse help` lists every command; `encaisse COMMAND --help` explains one.
Configuration comes from the environment: DATABASE_URL (default: SQLite in ./data),
ENCAISSE_DATA_DIR, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_*.
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return
    if args[0] == "--version":
        from encaisse import __version__

        sys.stdout.write(f"encaisse {__version__}\n")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.config.settings")
    if args[0] == "demo":
        os.environ.setdefault("ENCAISSE_DEMO", "1")
    if args[0] not in {"serve", "runserver"}:
        # Offline commands sign nothing a browser sees: a key kept in the data folder will do.
        os.environ.setdefault("ENCAISSE_LOCAL_KEY", "1")

    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        sys.stderr.write(f"encaisse: configuration error: {error}\n")
        sys.exit(2)

    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["encaisse", *args])
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        sys.stderr.write(f"encaisse: database error: {first_line}\n")
        if "no such table" in first_line or "does not exist" in first_line:
            sys.stderr.write("encaisse: the database is not set up: run `encaisse migrate`\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
