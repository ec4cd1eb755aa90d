"""Service settings, read once from the environment (names other tools rely on)."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from sqlalchemy.engine import URL

from common.office_hours import DEFAULT_HOURS
from knowledge.articles import articles_dir

ROOT = Path(__file__).resolve().parent.parent


def database_url(raw: str | None) -> str:
    """``DATABASE_URL`` or SQLite under var/; plain ``postgresql://`` uses psycopg 3."""
    if not raw:
        (ROOT / "var").mkdir(exist_ok=True)
        return f"sqlite:///{ROOT / 'var' / 'assistant.db'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    if raw.startswith("postgresql://"):
        return "postgresql+psycopg://" + raw[len("postgresql://"):]
    return raw


def rasa_tracker_db_url(env: Mapping[str, str]) -> str:
    """The database of Rasa's SQL tracker store, or "" when Rasa keeps trackers in memory.

    ``RASA_TRACKER_DB_URL`` if given; otherwise built from the ``RASA_DB_*`` variables that
    ``endpoints.scale.yml`` hands to Rasa (``make run-scale`` sets them for every process):
    PostgreSQL at ``RASA_DB_HOST`` (a whole URL there is taken as it is, as Rasa does),
    ``RASA_DB_PORT``, ``RASA_DB_NAME``, ``RASA_DB_USER``, ``RASA_DB_PASSWORD``. Erasure
    deletes a chat's rows there: Rasa's HTTP API cannot delete a tracker.
    """
    explicit = env.get("RASA_TRACKER_DB_URL") or ""
    host = env.get("RASA_DB_HOST") or ""
    if explicit or "://" in host:
        return database_url(explicit or host)
    if not host:
        return ""
    return URL.create("postgresql+psycopg", username=env.get("RASA_DB_USER") or None,
                      password=env.get("RASA_DB_PASSWORD") or None, host=host,
                      port=int(env.get("RASA_DB_PORT") or 5432),
                      database=env.get("RASA_DB_NAME") or "rasa",
                      ).render_as_string(hide_password=False)


def server_urls(name: str, raw: str) -> tuple[str, ...]:
    """The server addresses in setting ``name`` (comma-separated), without a final ``/``.

    A malformed one stops the service at start with a message naming the setting.
    """
    urls = tuple(url.strip().rstrip("/") for url in raw.split(",") if url.strip())
    if not urls:
        raise ValueError(f"{name} is empty: give an address such as http://10.0.0.2:5005")
    for url in urls:
        if not _is_server_address(url):
            raise ValueError(f"{name}: {url!r} is not a server address such as "
                             "http://10.0.0.2:5005 (comma-separated for several)")
    return urls


def _is_server_address(url: str) -> bool:
    """Whether ``url`` is ``http(s)://host[:port][/path]``."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query
            and port != 0)


@dataclass(frozen=True)
class Settings:
    """Everything the web service needs to know about its surroundings."""

    database_url: str
    rasa_url: str  # one server, or several separated by commas (shared tracker store)
    actions_url: str  # the action server, for the health check
    secret_key: str
    secure_cookies: bool = False
    # Strict-Transport-Security on every response (only behind HTTPS).
    hsts: bool = False
    # How long one rasa command of a training run (validate, train, test) may take.
    training_timeout_seconds: float = 1800.0
    # The rasa executable a training run calls (tests put a stand-in here).
    training_rasa: str = str(ROOT / ".venv-rasa" / "bin" / "rasa")
    # A running job whose worker sent no heartbeat for this long is queued again.
    job_stale_seconds: float = 60.0
    knowledge_dir: Path = ROOT / "knowledge" / "articles"
    # Rasa project that trainers change and retrain: config.yml, domain.yml, nlu_data/,
    # tests/stories/, models/ (tests use a small copy).
    training_root: Path = ROOT
    # Largest drop (percentage points) of an overall or per-language accuracy a retrained
    # model may show and still be activated.
    training_margin: float = 2.0
    # Flask-Limiter limits ("N per minute" ...) and where the counters live.
    rate_limit_client: str = "300 per minute"
    rate_limit_conversation: str = "30 per minute"
    rate_limit_new_conversation: str = "30 per hour"
    rate_limit_login: str = "10 per 5 minutes"  # per client address and per account
    # New event streams per client address (a widget opens one about every minute).
    rate_limit_stream: str = "60 per minute"
    # Requests for staff (new waits) per client address of the chat API.
    rate_limit_handoff: str = "5 per hour"
    rate_limit_storage: str = "memory://"
    # How long one Server-Sent Events response lasts before the browser reconnects.
    stream_seconds: float = 55.0
    # Event streams open at once, per client address and per conversation, in each web
    # worker process; one more is refused (429).
    stream_max_per_client: int = 20
    stream_max_per_conversation: int = 3
    # How often each web worker reads the conversations its streams watch, for changes
    # made where no push reaches it (another process without Redis, a lost Redis message).
    stream_poll_seconds: float = 2.0
    # Redis for the push channel between workers ("" = streams poll the database).
    redis_url: str = ""
    max_text_length: int = 2000
    rasa_timeout_seconds: float = 10.0
    # Rasa's --auth-token for its HTTP API (status, tracker, PUT /model); "" = Rasa runs
    # without one (fine on a single machine; production sets RASA_AUTH_TOKEN).
    rasa_auth_token: str = ""
    # The Rasa servers' key to the accepted model (GET /api/model, "Authorization: Bearer");
    # "" = no model server: an accepted model is loaded with PUT /model (one machine).
    model_server_token: str = ""
    # Rasa's SQL tracker store (SQLAlchemy URL; "" = Rasa's default in-memory store): an
    # erasure deletes the chat's rows there (see ``rasa_tracker_db_url``).
    rasa_tracker_db_url: str = ""
    # Reverse proxies in front of the service whose X-Forwarded-For (and the nearest one's
    # X-Forwarded-Proto) are trusted (0: none; the rate limits then count the connecting
    # address). The load balancer of deploy/haproxy.cfg is one.
    trusted_proxies: int = 0
    # Staff whose console was open within this many seconds are online.
    presence_seconds: float = 90.0
    # How often an open console page asks for the queue (counter, sound, notification).
    console_poll_seconds: float = 5.0
    # Outside office hours, or with no staff online, a chat asking for staff turns into a
    # question left for an answer by e-mail (False: it simply waits in the queue).
    offline_handoff: bool = True
    # A chat that starts waiting goes to the least busy staff member online (False: it waits
    # unassigned until someone takes it).
    auto_assign: bool = False
    office_hours: str = DEFAULT_HOURS  # Asia/Bangkok; "always" for a 24/7 desk
    extra_closed_days: str = ""  # "2026-12-30,2026-12-31": closures beyond public holidays
    # The center's mailbox (offline questions go there) and how mail leaves: an SMTP URL
    # such as smtp://user:password@host:587?starttls=1 ("" keeps mail in the outbox).
    center_email: str = "invest@bangkok.go.th"
    mail_from: str = "invest@bangkok.go.th"
    smtp_url: str = ""
    # Visits to the center: how long one lasts, and where (the calendar invitation's place).
    visit_minutes: int = 60
    center_address: str = "Bangkok City Hall, 173 Dinso Road, Phra Nakhon, Bangkok 10200"
    # Where staff open the console (links in e-mails to the center).
    public_url: str = "http://127.0.0.1:8000"
    # LINE Messaging API channel ("" secret: the LINE webhook answers 404).
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_url: str = "https://api.line.me"
    # The key result's rule: part 1 (availability) and part 2 (satisfaction KPI) each score
    # their weight at or above their target %, else weight × figure / target.
    kr_availability_weight: Decimal = Decimal(40)
    kr_availability_target: Decimal = Decimal(99)
    kr_satisfaction_weight: Decimal = Decimal(60)
    kr_satisfaction_target: Decimal = Decimal(80)
    # Partner sites that may embed the widget: "https://www.boi.go.th=BOI; https://...=Name"
    # ("" = any site may; the center's own site always may).
    partner_sites: str = ""

    def __post_init__(self) -> None:
        """Refuse a malformed server address at start, naming its setting."""
        server_urls("RASA_URLS", self.rasa_url)
        server_urls("ACTIONS_URL", self.actions_url)

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        """The Rasa servers, in the order of ``RASA_URLS``."""
        return server_urls("RASA_URLS", self.rasa_url)

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the environment.

        ``DATABASE_URL``, ``RASA_URLS`` (the Rasa servers, comma-separated, e.g.
        ``http://10.0.0.2:5005,http://10.0.0.3:5005``; default ``http://127.0.0.1:$RASA_PORT``),
        ``RASA_AUTH_TOKEN`` (Rasa's ``--auth-token``), ``MODEL_SERVER_TOKEN`` (the Rasa servers
        pull the accepted model from the service), ``RASA_TRACKER_DB_URL`` or
        ``RASA_DB_*`` (Rasa's SQL tracker store), ``ACTIONS_URL`` (the action server; default
        ``http://127.0.0.1:$ACTIONS_PORT``),
        ``SECRET_KEY``, ``TRUSTED_PROXIES`` (reverse proxies whose X-Forwarded-For counts;
        1 behind the load balancer of ``deploy/haproxy.cfg``),
        ``KNOWLEDGE_DIR`` (articles; the action server must read the same folder),
        ``TRAINING_ROOT`` (the Rasa project trainers change; default: this checkout),
        ``TRAINING_MARGIN`` (percentage points a retrained model may lose; default 2),
        ``RATE_LIMIT_CLIENT``, ``RATE_LIMIT_CONVERSATION``, ``RATE_LIMIT_NEW_CONVERSATION``,
        ``RATE_LIMIT_LOGIN``, ``RATE_LIMIT_STREAM``, ``RATE_LIMIT_HANDOFF``, ``STREAM_SECONDS``,
        ``STREAM_MAX_PER_CLIENT``, ``STREAM_MAX_PER_CONVERSATION``, ``STREAM_POLL_SECONDS`` (event
        streams), ``RATE_LIMIT_STORAGE`` (``memory://`` or ``redis://host:port``), ``REDIS_URL``
        (push between workers), ``OFFLINE_HANDOFF=0`` (never turn a wait into an e-mail question),
        ``AUTO_ASSIGN=1`` (give each waiting chat to the least busy staff member online),
        ``OFFICE_HOURS``, ``EXTRA_CLOSED_DAYS``, ``CENTER_EMAIL``, ``MAIL_FROM``, ``SMTP_URL``,
        ``VISIT_MINUTES``, ``CENTER_ADDRESS`` (visits to the center),
        ``PUBLIC_URL``, ``LINE_CHANNEL_SECRET``, ``LINE_CHANNEL_ACCESS_TOKEN``, ``LINE_API_URL``,
        ``TRAINING_TIMEOUT_SECONDS`` (per rasa command of a training run), ``SECURE_COOKIES=1`` and
        ``HSTS=1`` when served over HTTPS, ``KR_AVAILABILITY_WEIGHT``, ``KR_AVAILABILITY_TARGET``,
        ``KR_SATISFACTION_WEIGHT``, ``KR_SATISFACTION_TARGET`` (the key result's rule),
        ``PARTNER_SITES`` (the sites that may embed the widget, ``origin=Name; ...``).

        ``PRODUCTION=1`` requires ``SECRET_KEY`` and turns ``SECURE_COOKIES`` and ``HSTS`` on
        unless they are set to 0.
        """
        env = os.environ.get
        secret_key, https = _production_defaults()
        return cls(
            database_url=database_url(env("DATABASE_URL")),
            rasa_url=env("RASA_URLS") or f"http://127.0.0.1:{env('RASA_PORT', '5005')}",
            actions_url=(env("ACTIONS_URL")
                         or f"http://127.0.0.1:{env('ACTIONS_PORT', '5055')}"),
            rasa_auth_token=env("RASA_AUTH_TOKEN", ""),
            model_server_token=env("MODEL_SERVER_TOKEN", ""),
            rasa_tracker_db_url=rasa_tracker_db_url(os.environ),
            trusted_proxies=int(env("TRUSTED_PROXIES") or 0),
            secret_key=secret_key,
            secure_cookies=(env("SECURE_COOKIES") or https) == "1",
            hsts=(env("HSTS") or https) == "1",
            training_timeout_seconds=float(env("TRAINING_TIMEOUT_SECONDS")
                                           or cls.training_timeout_seconds),
            training_rasa=env("TRAINING_RASA") or cls.training_rasa,
            job_stale_seconds=float(env("JOB_STALE_SECONDS") or cls.job_stale_seconds),
            knowledge_dir=articles_dir(),
            training_root=Path(env("TRAINING_ROOT") or ROOT),
            training_margin=float(env("TRAINING_MARGIN") or 2.0),
            rate_limit_client=env("RATE_LIMIT_CLIENT") or cls.rate_limit_client,
            rate_limit_conversation=env("RATE_LIMIT_CONVERSATION") or cls.rate_limit_conversation,
            rate_limit_new_conversation=(env("RATE_LIMIT_NEW_CONVERSATION")
                                         or cls.rate_limit_new_conversation),
            rate_limit_login=env("RATE_LIMIT_LOGIN") or cls.rate_limit_login,
            rate_limit_stream=env("RATE_LIMIT_STREAM") or cls.rate_limit_stream,
            stream_seconds=float(env("STREAM_SECONDS") or cls.stream_seconds),
            stream_max_per_client=int(env("STREAM_MAX_PER_CLIENT") or cls.stream_max_per_client),
            stream_max_per_conversation=int(env("STREAM_MAX_PER_CONVERSATION")
                                            or cls.stream_max_per_conversation),
            stream_poll_seconds=float(env("STREAM_POLL_SECONDS") or cls.stream_poll_seconds),
            rate_limit_handoff=env("RATE_LIMIT_HANDOFF") or cls.rate_limit_handoff,
            rate_limit_storage=env("RATE_LIMIT_STORAGE") or cls.rate_limit_storage,
            redis_url=env("REDIS_URL", ""),
            offline_handoff=env("OFFLINE_HANDOFF", "1") != "0",
            auto_assign=env("AUTO_ASSIGN", "") == "1",
            office_hours=env("OFFICE_HOURS") or cls.office_hours,
            extra_closed_days=env("EXTRA_CLOSED_DAYS", ""),
            center_email=env("CENTER_EMAIL") or cls.center_email,
            mail_from=env("MAIL_FROM") or env("CENTER_EMAIL") or cls.mail_from,
            smtp_url=env("SMTP_URL", ""),
            visit_minutes=int(env("VISIT_MINUTES") or cls.visit_minutes),
            center_address=env("CENTER_ADDRESS") or cls.center_address,
            public_url=(env("PUBLIC_URL") or f"http://127.0.0.1:{env('PORT', '8000')}"),
            line_channel_secret=env("LINE_CHANNEL_SECRET", ""),
            line_channel_access_token=env("LINE_CHANNEL_ACCESS_TOKEN", ""),
            line_api_url=env("LINE_API_URL") or cls.line_api_url,
            kr_availability_weight=Decimal(env("KR_AVAILABILITY_WEIGHT") or 40),
            kr_availability_target=Decimal(env("KR_AVAILABILITY_TARGET") or 99),
            kr_satisfaction_weight=Decimal(env("KR_SATISFACTION_WEIGHT") or 60),
            kr_satisfaction_target=Decimal(env("KR_SATISFACTION_TARGET") or 80),
            partner_sites=env("PARTNER_SITES", ""),
        )


def _production_defaults() -> tuple[str, str]:
    """``SECRET_KEY`` and the default of ``SECURE_COOKIES`` and ``HSTS`` ("1" in production).

    ``PRODUCTION=1`` requires ``SECRET_KEY``; a local install gets one kept in var/.
    """
    production = os.environ.get("PRODUCTION", "") == "1"
    secret_key = os.environ.get("SECRET_KEY")
    if production and not secret_key:
        raise RuntimeError("PRODUCTION=1 needs SECRET_KEY: the same long random value "
                           "for every worker and host (python -c 'import secrets; "
                           "print(secrets.token_hex(32))')")
    return secret_key or local_secret_key(), "1" if production else "0"


def local_secret_key(path: Path = ROOT / "var" / "secret_key") -> str:
    """A random key kept in ``path`` so sessions survive restarts of a local install.

    Workers starting together all get the first key written: each writes its own to a
    temporary file and links it into place, which fails once the file exists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(secrets.token_hex(32))
            os.link(temporary, path)  # atomic; only the first one succeeds
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text("utf-8").strip()
