"""Settings for the test suite: a real PostgreSQL and a real Redis."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
DART_IMPORT_ROOT = BASE_DIR / "var" / "test-import"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
