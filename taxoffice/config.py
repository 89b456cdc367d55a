"""Settings, read once from ``TAXOFFICE_*`` environment variables."""

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./taxoffice.db"
_SECRET_FILE = Path(".taxoffice-secret")
MIN_SECRET_KEY_BYTES = 32


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _secret_key(database_url: str) -> str:
    """The signing key: ``TAXOFFICE_SECRET_KEY``; in embedded mode only, else a random key kept in a local file."""
    if key := os.environ.get("TAXOFFICE_SECRET_KEY"):
        return key
    if not database_url.startswith("sqlite"):
        return ""  # production must be given its key (the same on every process): `weak_secret_key` refuses this
    if _SECRET_FILE.exists():
        return _SECRET_FILE.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(48)
    _SECRET_FILE.write_text(key, encoding="utf-8")
    _SECRET_FILE.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    """Everything the office can be configured with."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # A streaming replica of the database (PostgreSQL): reports read from it when set; everything else uses the
    # primary (docs/operations.md, "The production stack").
    replica_url: str | None = None
    secret_key: str = field(default="", repr=False)
    token_ttl_seconds: int = 3600
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 10_485_760
    db_pool_size: int = 32
    # Seconds a request waits for a pooled database connection before a 503 (``Retry-After``).
    db_pool_timeout_seconds: float = 10.0
    # Seconds a worker's hold on a running job lasts unless renewed (renewed every third of it while the job runs):
    # a killed worker's job is picked up again that long after its last renewal.
    job_lock_seconds: int = 30
    # The nightly jobs that can be split (reconcile, interest, arrears, monthly reports) run as this many partitions
    # on the arq queue, shared by every worker (1: each as one job). Read by the workers' nightly schedule.
    job_partitions: int = 1
    # Jobs one worker process runs at once (arq's max_jobs); a worker takes up to this many from the queue.
    worker_max_jobs: int = 4
    tax_office: str = "HNI"
    tax_code_prefix: str = "01"
    password_hash: str = "standard"  # noqa: S105 - the name of an argon2 profile
    log_json: bool = False
    # Logins: a client address guessing at one account backs off after its free failed attempts (1, 2, 4 … s up to
    # the maximum); the address as a whole, and an account, only after many more, and never for long (see
    # taxoffice/auth/throttle.py and docs/security.md).
    login_free_attempts: int = 5
    login_max_delay_seconds: int = 900
    login_address_free_attempts: int = 100
    login_address_max_delay_seconds: int = 60
    login_account_free_attempts: int = 20
    login_account_max_delay_seconds: int = 60
    login_window_seconds: int = 3600
    sql_echo: bool = False
    # Bank statements (`POST /payments/import`, `taxoffice payments import`): bounds checked while the file is read,
    # before the work they would cost (taxoffice/accounts/bank_statements/_limits.py, docs/security.md).
    statement_max_bytes: int = 256 * 1024 * 1024
    statement_max_rows: int = 1_048_576
    statement_max_cells: int = 33_554_432
    statement_max_shared_strings: int = 262_144
    statement_max_inflated_bytes: int = 256 * 1024 * 1024
    statement_max_inflation_ratio: int = 100
    statement_shown_problems: int = 100
    # The portal's login session: an encrypted, HTTP-only, SameSite=Lax cookie, sent over HTTPS only unless the
    # office serves plain HTTP on this machine (`make run`); it lasts this long after the last page.
    session_ttl_seconds: int = 8 * 3600
    cookie_secure: bool = True
    # Where payment orders send the money (the State Treasury's collection account, as a bank transfer / VietQR).
    # DEMO VALUES: a made-up account at VietinBank's NAPAS BIN; set the real ones for production
    # (TAXOFFICE_TREASURY_BANK_BIN, TAXOFFICE_TREASURY_ACCOUNT, TAXOFFICE_TREASURY_NAME).
    treasury_bank_bin: str = "970415"
    treasury_account: str = "7111000000000"
    treasury_name: str = "KBNN HA NOI (DEMO)"
    # E-mail (docs/operations.md): the SMTP server (unset: messages wait in the outbox), the sender, and the
    # address the office's web pages are reached at (links in messages, e.g. a password reset).
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "Cơ quan thuế <no-reply@localhost>"
    public_url: str = "http://127.0.0.1:8000"

    @property
    def is_sqlite(self) -> bool:
        """Whether the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls) -> "Settings":
        """Read the settings from the environment."""
        database_url = os.environ.get("TAXOFFICE_DATABASE_URL", DEFAULT_DATABASE_URL)
        return cls(
            database_url=database_url,
            redis_url=os.environ.get("TAXOFFICE_REDIS_URL") or None,
            replica_url=os.environ.get("TAXOFFICE_REPLICA_URL") or None,
            secret_key=_secret_key(database_url),
            token_ttl_seconds=_env_int("TAXOFFICE_TOKEN_TTL_SECONDS", 3600),
            max_body_bytes=_env_int("TAXOFFICE_MAX_BODY_BYTES", 1_048_576),
            max_upload_bytes=_env_int("TAXOFFICE_MAX_UPLOAD_BYTES", 10_485_760),
            db_pool_size=_env_int("TAXOFFICE_DB_POOL_SIZE", 32),
            db_pool_timeout_seconds=float(os.environ.get("TAXOFFICE_DB_POOL_TIMEOUT_SECONDS") or 10),
            job_lock_seconds=_env_int("TAXOFFICE_JOB_LOCK_SECONDS", 30),
            job_partitions=_env_int("TAXOFFICE_JOB_PARTITIONS", 1),
            worker_max_jobs=_env_int("TAXOFFICE_WORKER_MAX_JOBS", 4),
            tax_office=os.environ.get("TAXOFFICE_TAX_OFFICE", "HNI"),
            tax_code_prefix=os.environ.get("TAXOFFICE_TAX_CODE_PREFIX", "01"),
            password_hash=os.environ.get("TAXOFFICE_PASSWORD_HASH", "standard"),
            log_json=os.environ.get("TAXOFFICE_LOG_JSON", "") == "1",
            sql_echo=os.environ.get("TAXOFFICE_SQL_ECHO", "") == "1",
            login_free_attempts=_env_int("TAXOFFICE_LOGIN_FREE_ATTEMPTS", 5),
            login_address_free_attempts=_env_int("TAXOFFICE_LOGIN_ADDRESS_FREE_ATTEMPTS", 100),
            login_account_free_attempts=_env_int("TAXOFFICE_LOGIN_ACCOUNT_FREE_ATTEMPTS", 20),
            session_ttl_seconds=_env_int("TAXOFFICE_SESSION_TTL_SECONDS", 8 * 3600),
            cookie_secure=os.environ.get("TAXOFFICE_COOKIE_SECURE", "1") != "0",
            treasury_bank_bin=os.environ.get("TAXOFFICE_TREASURY_BANK_BIN", "970415"),
            treasury_account=os.environ.get("TAXOFFICE_TREASURY_ACCOUNT", "7111000000000"),
            treasury_name=os.environ.get("TAXOFFICE_TREASURY_NAME", "KBNN HA NOI (DEMO)"),
            smtp_url=os.environ.get("TAXOFFICE_SMTP_URL") or None,
            mail_from=os.environ.get("TAXOFFICE_MAIL_FROM") or Settings.mail_from,
            public_url=(os.environ.get("TAXOFFICE_PUBLIC_URL") or Settings.public_url).rstrip("/"),
            **_statement_limits(),
        )


def _statement_limits() -> dict[str, int]:
    """Every ``statement_*`` setting from its ``TAXOFFICE_STATEMENT_*`` variable, or its default."""
    defaults = Settings()
    names = [name for name in Settings.__dataclass_fields__ if name.startswith("statement_")]
    return {name: _env_int(f"TAXOFFICE_{name.upper()}", getattr(defaults, name)) for name in names}


def weak_secret_key(settings: Settings) -> str | None:
    """Why the token-signing key is unfit for production (PostgreSQL), or ``None`` when it will do.

    Tokens signed with a guessable key can be forged: the key must be given, and at least ``MIN_SECRET_KEY_BYTES``.
    """
    if settings.is_sqlite:
        return None
    if not settings.secret_key:
        return "TAXOFFICE_SECRET_KEY is not set: give every server process the same random key of 32 bytes or more."
    if len(settings.secret_key.encode()) < MIN_SECRET_KEY_BYTES:
        return (
            f"TAXOFFICE_SECRET_KEY is shorter than {MIN_SECRET_KEY_BYTES} bytes: use a random key at least that long."
        )
    return None


def masked_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for a log line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings.from_env()
