"""Django settings, built only from :mod:`openingup.config` (the one place that reads the environment)."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url

from openingup import config

BASE_DIR = Path(__file__).resolve().parent
HOME = config.home()


def _secret_key() -> str:
    given = config.get("OPENINGUP_SECRET_KEY")
    if given:
        return given
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = config.get_bool("OPENINGUP_DEBUG")
ALLOWED_HOSTS = config.get_list("OPENINGUP_ALLOWED_HOSTS")
BASE_URL = config.get("OPENINGUP_BASE_URL").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "openingup.core",
    "openingup.organisations",
    "openingup.vocabularies",
    "openingup.catalogue",
    "openingup.exchange",
    "openingup.datastore",
    "openingup.search",
    "openingup.engagement",
    "openingup.social",
    "openingup.reports",
    "openingup.quality",
    "openingup.harvest",
    "openingup.readiness",
    "openingup.web",
    "openingup.api",
    "openingup.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openingup.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "openingup.urls"
WSGI_APPLICATION = "openingup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openingup.web.context.site",
            ],
        },
    }
]

_database_url = config.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HOME / "openingup.sqlite3"),
            # Keep each server thread's connection, so requests don't pay for opening it and its pragmas.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = config.get_list("OPENINGUP_LANGUAGES")[0]
_LANGUAGE_NAMES = {
    "en": "English",
    "nl": "Nederlands",
    "fr": "Français",
    "de": "Deutsch",
    "da": "Dansk",
    "sv": "Svenska",
    "nb": "Norsk bokmål",
}
LANGUAGES = [(code, _LANGUAGE_NAMES.get(code, code)) for code in config.get_list("OPENINGUP_LANGUAGES")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = HOME / "files"

# Reporter e-mails (the reports outbox): SMTP with OPENINGUP_SMTP_URL, else files in $OPENINGUP_HOME/mail.
_smtp = urlsplit(config.get("OPENINGUP_SMTP_URL"))
if _smtp.scheme in ("smtp", "smtps"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname or "localhost"
    EMAIL_PORT = _smtp.port or (465 if _smtp.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    EMAIL_USE_TLS = _smtp.scheme == "smtp" and EMAIL_PORT != 25
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(HOME / "mail")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = config.get("OPENINGUP_MAIL_FROM")

MAX_UPLOAD_BYTES = config.get_int("OPENINGUP_MAX_UPLOAD_MB") * 1024 * 1024

DATASTORE_BACKEND = config.get("OPENINGUP_DATASTORE_BACKEND").strip().lower()
if DATASTORE_BACKEND == "auto":
    DATASTORE_BACKEND = "postgres" if _database_url.startswith("postgres") else "duckdb"
DATASTORE_URL = config.get("OPENINGUP_DATASTORE_URL") or _database_url
DATASTORE_DIR = HOME / "datastore"
SEARCH_BACKEND = config.get("OPENINGUP_SEARCH_BACKEND").strip().lower() or "auto"
DATASTORE_KEEP_DAYS = config.get_int("OPENINGUP_DATASTORE_KEEP_DAYS")
DATASTORE_MAX_COLUMNS = config.get_int("OPENINGUP_DATASTORE_MAX_COLUMNS")
DATASTORE_MAX_ROWS = config.get_int("OPENINGUP_DATASTORE_MAX_ROWS")
DATASTORE_SQL_TIMEOUT_MS = config.get_int("OPENINGUP_DATASTORE_SQL_TIMEOUT_MS")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CATALOGUE_PAGE_SIZE = config.get_int("OPENINGUP_CATALOGUE_PAGE_SIZE")
BROKER_URL = config.get("OPENINGUP_BROKER_URL")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"openingup": {"level": "INFO"}},
}
