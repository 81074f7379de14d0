"""Every setting of the service, read once from the environment, with its default."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'instance' / 'review.db'}")
    # psycopg 3 is the only PostgreSQL driver we ship; accept the plain scheme operators type.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    # Alembic revisions (Flask-Migrate), date-prefixed.
    MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
    # Signs browser sessions. Unset: a random key per process (sessions end on restart).
    SECRET_KEY = os.environ.get("REVIEW_SECRET_KEY") or secrets.token_hex(32)
    # SQLite by default; PostgreSQL in production through DATABASE_URL.
    SQLALCHEMY_DATABASE_URI = _database_url()
    # A dropped PostgreSQL connection is replaced before use; SQLite has no connection to lose.
    SQLALCHEMY_ENGINE_OPTIONS = {} if SQLALCHEMY_DATABASE_URI.startswith("sqlite") else {"pool_pre_ping": True}
    # BPMN/DMN folders: default/ is the national template, <agency-code>/ overrides it.
    WORKFLOWS_DIR = Path(os.environ.get("REVIEW_WORKFLOWS_DIR", PROJECT_ROOT / "workflows"))
    # JSON Schema per user task, <form-key>.schema.json.
    FORMS_DIR = Path(os.environ.get("REVIEW_FORMS_DIR", PROJECT_ROOT / "forms"))
    # Uploaded case materials are stored here, one folder per agency.
    ATTACHMENTS_DIR = Path(os.environ.get("REVIEW_ATTACHMENTS_DIR", PROJECT_ROOT / "instance" / "attachments"))
    # Documents (审核意见书 ...): the DOCX→PDF converter (LibreOffice headless), its time limit per document in
    # seconds (a hung converter is killed), and how many times the worker tries before giving up.
    # REVIEW_DOCUMENT_PDF=0: DOCX only (a machine without LibreOffice); no conversion job is queued.
    DOCUMENT_PDF = os.environ.get("REVIEW_DOCUMENT_PDF", "1") == "1"
    DOCUMENT_CONVERTER = os.environ.get("REVIEW_DOCUMENT_CONVERTER", "soffice")
    DOCUMENT_PDF_TIMEOUT_SECONDS = float(os.environ.get("REVIEW_DOCUMENT_PDF_TIMEOUT_SECONDS", 120))
    DOCUMENT_PDF_MAX_ATTEMPTS = int(os.environ.get("REVIEW_DOCUMENT_PDF_MAX_ATTEMPTS", 5))
    # Largest accepted attachment, in bytes (default 20 MiB).
    MAX_ATTACHMENT_BYTES = int(os.environ.get("REVIEW_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))
    # Whole request body limit: an attachment plus its multipart envelope.
    MAX_CONTENT_LENGTH = MAX_ATTACHMENT_BYTES + 1024 * 1024
    # werkzeug password hash method; tests use a cheap one.
    PASSWORD_HASH_METHOD = os.environ.get("REVIEW_PASSWORD_HASH_METHOD", "scrypt")
    # Password policy for every password set (CLI, API, pages, seed, import): minimum length, and how many of
    # the four classes (lowercase, uppercase, digits, other symbols) it must contain.
    PASSWORD_MIN_LENGTH = int(os.environ.get("REVIEW_PASSWORD_MIN_LENGTH", 12))
    PASSWORD_MIN_CLASSES = int(os.environ.get("REVIEW_PASSWORD_MIN_CLASSES", 3))
    # Bearer tokens expire after this many hours.
    TOKEN_TTL_HOURS = int(os.environ.get("REVIEW_TOKEN_TTL_HOURS", 12))
    # After this many wrong passwords in a row an account is locked for LOGIN_LOCKOUT_MINUTES.
    LOGIN_MAX_FAILURES = int(os.environ.get("REVIEW_LOGIN_MAX_FAILURES", 5))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("REVIEW_LOGIN_LOCKOUT_MINUTES", 15))
    # Log lines: "json" (one JSON object per event, for production) or "text" (readable, the default).
    LOG_FORMAT = os.environ.get("REVIEW_LOG_FORMAT", "text")
    # Lowest level logged by the service (DEBUG, INFO, WARNING, ...).
    LOG_LEVEL = os.environ.get("REVIEW_LOG_LEVEL", "INFO")
    # GET /metrics: open when unset; otherwise it requires "Authorization: Bearer <this token>".
    METRICS_TOKEN = os.environ.get("REVIEW_METRICS_TOKEN") or None
    # gunicorn: prometheus_client reads this folder itself (multiprocess mode); named here to document it once.
    PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    # gunicorn (docker/gunicorn.conf.py): listen address, worker processes, threads each, request timeout.
    WEB_BIND = os.environ.get("REVIEW_WEB_BIND", "0.0.0.0:8000")
    WEB_WORKERS = int(os.environ.get("REVIEW_WEB_WORKERS", 2))
    WEB_THREADS = int(os.environ.get("REVIEW_WEB_THREADS", 4))
    WEB_TIMEOUT_SECONDS = int(os.environ.get("REVIEW_WEB_TIMEOUT_SECONDS", 60))
    # `flask review worker` in the image (docker/entrypoint.sh): jobs per iteration; an idle worker's longest
    # wait in seconds (at most 300): on PostgreSQL it is woken by NOTIFY and this is only the backstop; on
    # SQLite it polls, first after WORKER_POLL_SECONDS, then twice as long each time up to this.
    WORKER_BATCH = int(os.environ.get("REVIEW_WORKER_BATCH", 20))
    WORKER_POLL_SECONDS = float(os.environ.get("REVIEW_WORKER_POLL_SECONDS", 5))
    WORKER_MAX_WAIT_SECONDS = float(os.environ.get("REVIEW_WORKER_MAX_WAIT_SECONDS", 60))
    # Web pages: Chinese first (catalog folder zh_Hans_CN, see ecosystem notes), English available.
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "web" / "translations")
    # Browser sessions: the JSON API uses bearer tokens, so CSRF is checked by the web pages' own hook.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: a long review form never expires
    SESSION_COOKIE_SAMESITE = "Lax"
    # Set to 1 behind HTTPS so the session cookie is never sent in clear.
    SESSION_COOKIE_SECURE = os.environ.get("REVIEW_SESSION_COOKIE_SECURE", "0") == "1"
    # OpenAPI document served at /api/openapi.json.
    API_TITLE = "重大执法决定法制审核 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    JSON_AS_ASCII = False
