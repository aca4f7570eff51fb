"""Embedded default for `make demo`: SQLite, tasks in-process, no other service."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env("DART_SQLITE_PATH", default=str(BASE_DIR / "var" / "dart.sqlite3")),
        "OPTIONS": {"timeout": 30},
    }
}
DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
