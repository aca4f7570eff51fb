"""Settings shared by every environment; each value can be set from the environment."""

from pathlib import Path

import dj_database_url
import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dart-insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "core",
    "genomics",
    "tumorboard",
    "imaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.LoginRequiredEverywhere",
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_USER_MODEL = "core.User"
ROOT_URLCONF = "dart.urls"
WSGI_APPLICATION = "dart.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.dart_version",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/dart"),
        conn_max_age=60,
    )
}
# PostgreSQL planner's cost of a random page read for DART's sessions. The server's default (4)
# assumes spinning disks and then scans the whole variant table for a case's sorts that have no
# index of their own; 1.1, the usual value on SSDs, reads the case's rows through its position
# index (docs/benchmarks.md). Empty: the server's own setting.
DART_PG_RANDOM_PAGE_COST = float(env.str("DART_PG_RANDOM_PAGE_COST", default="1.1") or 0) or None
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DART_PG_RANDOM_PAGE_COST:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={DART_PG_RANDOM_PAGE_COST:g}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DART_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads live on storage every worker reaches (a shared volume in production).
MEDIA_ROOT = Path(env("DART_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
DART_IMPORT_ROOT = Path(env("DART_IMPORT_ROOT", default=str(BASE_DIR / "var" / "import")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tumorboard:case-list"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DART_SESSION_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DART_MAX_UPLOAD_BYTES = env.int("DART_MAX_UPLOAD_BYTES", default=8 * 1024**3)
# Imaging predictions may modify the ranking (bounded, never the sole basis); off for all sites,
# or for the sites whose slugs are listed.
DART_IMAGING_IN_RANKING = env.bool("DART_IMAGING_IN_RANKING", default=True)
DART_IMAGING_RANKING_OFF_SITES = env.list("DART_IMAGING_RANKING_OFF_SITES", default=[])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DART API",
    "DESCRIPTION": "Molecular tumor board decision support.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# Redis redelivers an unacknowledged task after this many seconds (a killed worker's task).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("DART_REDELIVERY_SECONDS", default=3600)
}

# Which FILTER values count as passed.
DART_PASS_FILTERS = env.list("DART_PASS_FILTERS", default=["PASS", "."])
# Research-only knowledge-base sources (e.g. CGI 2017) stay off unless a site switches them on.
DART_KB_INCLUDE_RESEARCH_ONLY = env.bool("DART_KB_INCLUDE_RESEARCH_ONLY", default=False)
DART_DEFAULT_SITE = env("DART_DEFAULT_SITE", default="demo")
DART_REFERENCE_FASTA = {
    "GRCh37": env("DART_REFERENCE_FASTA_GRCH37", default=""),
    "GRCh38": env("DART_REFERENCE_FASTA_GRCH38", default=""),
}
# A whole-genome gene table (TSV with a header, BED, GTF, or a UCSC/SpliceAI gene model table)
# replacing the bundled one for genes of copy-number segments, breakends and unannotated calls.
# The bundled GRCh37 table holds only the LRG genes.
DART_GENE_TABLE = {
    "GRCh37": env("DART_GENE_TABLE_GRCH37", default=""),
    "GRCh38": env("DART_GENE_TABLE_GRCH38", default=""),
}

DART_LOG_DIR = Path(env("DART_LOG_DIR", default=str(BASE_DIR / "var" / "log")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DART_LOG_LEVEL", default="INFO")},
}

# A second connection to the same database, for job progress visible while a task's
# transaction is still open.
DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
