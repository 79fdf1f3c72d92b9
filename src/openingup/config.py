"""Every setting the platform reads from the environment, in one place.

Each setting has a default and a one-line help text; ``docs/configuration.md`` is generated from
this table (``openingup config --markdown``) and a test fails when the two drift apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def raw(self) -> str:
        return os.environ.get(self.name, self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "OPENINGUP_HOME",
        "./var",
        "Folder holding all state of the embedded default: database, uploads, logs.",
    ),
    Setting(
        "DATABASE_URL",
        "",
        "PostgreSQL URL (postgres://user:pass@host:5432/db); empty: SQLite in $OPENINGUP_HOME.",
    ),
    Setting(
        "OPENINGUP_BROKER_URL",
        "",
        "Celery broker URL (redis://127.0.0.1:6379/0); empty means the in-process background worker.",
    ),
    Setting(
        "OPENINGUP_SCHEDULER",
        "on",
        "Run the periodic work (harvests due, e-mail outbox, privacy run, …) in `openingup serve` or, with "
        "a broker, `openingup worker`; `off` when cron runs `openingup schedule run-due` instead.",
    ),
    Setting(
        "OPENINGUP_SCHEDULE_INTERVALS",
        "",
        "Comma-separated `job=seconds` overrides of periodic jobs' intervals (`openingup schedule list` "
        "names them); 0 switches a job off.",
    ),
    Setting(
        "OPENINGUP_BASE_URL", "http://127.0.0.1:8000", "Public base URL; dataset URIs are minted under it."
    ),
    Setting(
        "OPENINGUP_SECRET_KEY",
        "",
        "Django secret key; empty means one generated once and kept in $OPENINGUP_HOME.",
    ),
    Setting("OPENINGUP_DEBUG", "false", "Show Django debug pages (never in production)."),
    Setting(
        "OPENINGUP_ALLOWED_HOSTS",
        "127.0.0.1,localhost,testserver",
        "Comma-separated host names the web server answers to.",
    ),
    Setting("OPENINGUP_MAX_UPLOAD_MB", "200", "Largest file a publisher may upload, in megabytes."),
    Setting(
        "OPENINGUP_LANGUAGES",
        "en,nl,fr,de,da,sv,nb",
        "UI languages offered in the language switcher, first is the default.",
    ),
    Setting(
        "OPENINGUP_CATALOGUE_PAGE_SIZE",
        "100",
        "Datasets per page of /catalog.ttl, .rdf and .jsonld (Hydra paging).",
    ),
    Setting(
        "OPENINGUP_ALLOW_PRIVATE_HOSTS",
        "",
        "Comma-separated hosts the safe HTTP client may reach although they resolve to private addresses.",
    ),
    Setting(
        "OPENINGUP_ADMIN_PASSWORD", "", "Password `openingup createadmin` uses when --password is not given."
    ),
    Setting(
        "OPENINGUP_HTTP_TIMEOUT", "20", "Seconds before an outbound HTTP request (import from URL) gives up."
    ),
    Setting(
        "OPENINGUP_HTTP_MAX_MB", "200", "Largest response body the safe HTTP client accepts, in megabytes."
    ),
    Setting(
        "OPENINGUP_DATASTORE_BACKEND",
        "duckdb",
        "Where datastore tables live: duckdb (files in $OPENINGUP_HOME/datastore) or postgres "
        "(schema `datastore` of OPENINGUP_DATASTORE_URL); auto: postgres when DATABASE_URL is PostgreSQL.",
    ),
    Setting(
        "OPENINGUP_SEARCH_BACKEND",
        "auto",
        "Catalogue search index: sqlite (FTS5 in the SQLite database) or postgres (full text in the "
        "PostgreSQL database); auto: the one of the database DATABASE_URL points at.",
    ),
    Setting(
        "OPENINGUP_DATASTORE_URL",
        "",
        "PostgreSQL URL for the postgres datastore backend; empty: DATABASE_URL (schema `datastore`).",
    ),
    Setting(
        "OPENINGUP_DATASTORE_KEEP_DAYS",
        "30",
        "Days a replaced datastore version stays queryable (?version=N) before it is removed.",
    ),
    Setting("OPENINGUP_DATASTORE_MAX_COLUMNS", "2000", "Most columns a datastore table may have."),
    Setting(
        "OPENINGUP_DATASTORE_MAX_ROWS", "32000", "Most rows one datastore API page or SQL answer returns."
    ),
    Setting("OPENINGUP_DATASTORE_SQL_TIMEOUT_MS", "5000", "Time limit of one read-only datastore SQL query."),
    Setting(
        "OPENINGUP_DATASTORE_PAGE_CACHE_CELLS",
        "500000",
        "Values (rows × columns) of recent datastore answers each server process keeps to answer the same "
        "query again without the database; table versions never change, so a kept answer stays right. "
        "0 keeps none.",
    ),
    Setting(
        "OPENINGUP_HARVEST_TIMEOUT",
        "3600",
        "Seconds a harvest job may run before it stops as failed (what it harvested so far is kept).",
    ),
    Setting(
        "OPENINGUP_HARVEST_RETRIES",
        "3",
        "Times a harvest retries a page after a timeout, a lost connection or HTTP 429/5xx (with backoff).",
    ),
    Setting(
        "OPENINGUP_HARVEST_PAGE_SIZE",
        "100",
        "Items a harvest asks a CKAN, CSW or Open311 source for per page.",
    ),
    Setting(
        "OPENINGUP_OPEN311_HARVEST_DAYS",
        "90",
        "Days back an Open311 harvest reads requests (in 90-day windows), so status changes are seen.",
    ),
    Setting(
        "OPENINGUP_SOCIAL_KEY",
        "",
        "Passphrase or Fernet key encrypting social channel credentials; empty: derived from the secret key.",
    ),
    Setting(
        "OPENINGUP_SOCIAL_PLACES",
        "",
        "CSV of the municipality's street and district names (name,kind,latitude,longitude) that messages "
        "are matched against; empty: no place matching.",
    ),
    Setting(
        "OPENINGUP_SOCIAL_MAX_WAIT",
        "30",
        "Longest Retry-After, in seconds, a social poll waits in place; longer waits move the next poll.",
    ),
    Setting(
        "OPENINGUP_SOCIAL_BUSINESS_HOURS",
        "mon-fri 09:00-17:00",
        "Webcare working hours that response times are counted in ('mon-fri 09:00-17:00; sat 10:00-12:00').",
    ),
    Setting(
        "OPENINGUP_SOCIAL_TIME_ZONE", "Europe/Amsterdam", "Time zone of the webcare working hours (IANA)."
    ),
    Setting(
        "OPENINGUP_HOLIDAYS",
        "NL",
        "Public holidays skipped by business hours and working-day service levels: a country code with an "
        "optional subdivision ('NL', 'DE-NI', 'GB-SCT'); empty: none.",
    ),
    Setting(
        "OPENINGUP_SOCIAL_FIRST_RESPONSE_HOURS",
        "4",
        "Default target for a first answer to a social conversation, in business hours (per channel).",
    ),
    Setting(
        "OPENINGUP_SOCIAL_RESOLUTION_HOURS",
        "40",
        "Default target for closing a social conversation, in business hours (per channel).",
    ),
    Setting(
        "OPENINGUP_SOCIAL_ARCHIVE_RETENTION",
        "",
        "Years the social archive keeps each kind of entry ('received=7, sent=10, edited=7, deleted=7, "
        "published=10'); kinds not named, or empty: kept for ever.",
    ),
    Setting(
        "OPENINGUP_SOCIAL_TRACKING_URL",
        "",
        "Address of a service request's tracking page, with {id} and {token}; empty: the reporting app's.",
    ),
    Setting(
        "OPENINGUP_LINK_CHECK_DELAY",
        "2",
        "Seconds the link checker waits between two requests to the same host.",
    ),
    Setting("OPENINGUP_LINK_CHECK_TIMEOUT", "15", "Seconds before the link checker gives up on one URL."),
    Setting(
        "OPENINGUP_LINK_CHECK_MAX_AGE_HOURS",
        "168",
        "A link checked longer ago than this is checked again by the next scheduled link check.",
    ),
    Setting(
        "OPENINGUP_MAP_TILES",
        "",
        "XYZ tile URL template ({z}/{x}/{y}) of the report form's map; empty: a coordinate picker "
        "without tiles.",
    ),
    Setting(
        "OPENINGUP_MAP_ATTRIBUTION", "", "Attribution text the tile server asks for, shown under the map."
    ),
    Setting(
        "OPENINGUP_REPORT_PHOTO_MAX_MB", "10", "Largest photo a citizen may add to a report, in megabytes."
    ),
    Setting(
        "OPENINGUP_REPORT_PHOTO_MAX_PIXELS",
        "40000000",
        "Most pixels (width × height) a report photo may have; larger images are refused as image bombs.",
    ),
    Setting(
        "OPENINGUP_SMTP_URL",
        "",
        "Mail server for reporter e-mails: smtp://user:password@host:587 (STARTTLS) or smtps://…:465; "
        "empty: mails are written as files to $OPENINGUP_HOME/mail.",
    ),
    Setting("OPENINGUP_MAIL_FROM", "noreply@localhost", "Sender address of the e-mails to reporters."),
    Setting(
        "OPENINGUP_MAIL_ATTEMPTS",
        "5",
        "Times the outbox tries to send an e-mail (with growing waits between tries) before it gives up.",
    ),
    Setting(
        "OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD",
        "0.4",
        "Least confidence (0–1) for the report classifier to suggest a service; below it, suggest `other`.",
    ),
    Setting(
        "OPENINGUP_REPORTS_ANONYMISE_DAYS",
        "90",
        "Days after a report was closed before its reporter's contact data and the e-mails sent are removed.",
    ),
    Setting(
        "OPENINGUP_REPORTS_RETENTION_YEARS",
        "7",
        "Years after filing before a report is deleted with its updates and photos.",
    ),
    Setting(
        "OPENINGUP_REPORTS_OPEN_DATA_DESCRIPTIONS",
        "false",
        "Include the reporters' free-text descriptions in the open dataset of reports (off: left out).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Return the setting's value from the environment or its default; KeyError for unknown names."""
    return _BY_NAME[name].raw()


def get_bool(name: str) -> bool:
    return get(name).strip().lower() in {"1", "true", "yes", "on"}


def get_int(name: str) -> int:
    value = get(name)
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from exc


def get_list(name: str) -> list[str]:
    return [part.strip() for part in get(name).split(",") if part.strip()]


def home() -> Path:
    path = Path(get("OPENINGUP_HOME")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def as_markdown() -> str:
    """The configuration reference page, generated from SETTINGS."""
    lines = [
        "# Configuration",
        "",
        "Opening Up reads its settings from the environment, in one place (`src/openingup/config.py`).",
        "This page is generated by `openingup config --markdown`; a test fails when it drifts.",
        "",
        "| variable | default | what it does |",
        "|---|---|---|",
    ]
    lines += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"
