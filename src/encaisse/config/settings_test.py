"""Test settings: the production settings made faster, never different in behaviour."""

import os

os.environ.setdefault("ENCAISSE_LOCAL_KEY", "1")

from encaisse.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True
