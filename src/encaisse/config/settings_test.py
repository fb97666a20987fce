"""Test settings: the production settings made faster, never different in behaviour."""

import os

os.environ.setdefault("ENCAISSE_LOCAL_KEY", "1")

from encaisse.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile
    from pathlib import Path

    # A file, not memory: tests that start real worker processes share the database with them.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"encaisse-test-{os.getpid()}.sqlite3")
    }
