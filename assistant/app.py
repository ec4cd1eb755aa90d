"""Flask app factory of the web service: ``flask --app assistant.app run``."""

from __future__ import annotations

from typing import Any, Optional

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from assistant import channels, cli, rasa
from assistant.api import blueprint as api
from assistant.channels import line_webhook
from assistant.channels.line import LineChannel
from assistant.chat import assignment as auto_assignment
from assistant.chat import push, sites
from assistant.console import (
    assignment,
    canned,
    followups,
    history,
    knowledge,
    labels,
    notes,
    reviews,
    views,
    visits,
)
from assistant.extensions import db, migrate
from assistant.limits import max_text_length
from assistant.models import CHANNEL_NAMES
from assistant.public import rating_page, visit_page, webchat
from assistant.reports import views as reports
from assistant.reports.kr_score import Rule
from assistant.settings import ROOT, Settings
from assistant.training import model_server
from assistant.training import views as training
from assistant.web import auth, security, urls
from common.office_hours import OfficeHours

MIGRATIONS = str(ROOT / "assistant" / "migrations")
BLUEPRINTS = (api, line_webhook.blueprint, rating_page.blueprint, visit_page.blueprint,
              views.blueprint,
              assignment.blueprint, canned.blueprint, knowledge.blueprint, reviews.blueprint,
              notes.blueprint, labels.blueprint, history.blueprint, followups.blueprint,
              visits.blueprint, reports.blueprint,
              training.blueprint, model_server.blueprint, webchat.blueprint)
# Modules that subscribe to the chat core's events (assistant.chat.events) when imported:
# channels deliver messages written outside a user's request, assignment gives new waits.
SUBSCRIBERS = (channels, auto_assignment)
# The JSON API has no cookies for a forged form to ride on; LINE's signature authenticates
# its webhook.
CSRF_EXEMPT = (api, line_webhook.blueprint)


def create_app(settings: Optional[Settings] = None) -> Flask:
    """A configured app: database, migrations, Rasa client and the blueprints."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(config(settings))
    # The client address is the one these proxies saw; the scheme (http or https) is the one
    # the nearest of them says the client used (it sets X-Forwarded-Proto, not appends).
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app,  # type: ignore[method-assign]
                                x_for=settings.trusted_proxies, x_proto=1)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.globals["channel_names"] = CHANNEL_NAMES
    app.context_processor(_limits)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    rasa.init_app(app, settings)
    if settings.line_channel_secret:
        app.extensions["line"] = LineChannel(settings.line_channel_secret,
                                             settings.line_channel_access_token,
                                             settings.line_api_url)
    security.init_app(app, settings.rate_limit_storage)
    push.init_app(app, settings.redis_url, settings.stream_poll_seconds)
    csrf = CSRFProtect(app)
    for blueprint in CSRF_EXEMPT:
        csrf.exempt(blueprint)
    urls.init_app(app)  # after CSRF (checked first), before the blueprints' <int:...> rules
    auth.login_manager.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    cli.register(app)
    return app


def config(settings: Settings) -> dict[str, Any]:
    """The Flask configuration of ``settings``."""
    return dict(
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SECRET_KEY=settings.secret_key,
        ACTIONS_URL=settings.actions_url,
        RASA_TRACKER_DB_URL=settings.rasa_tracker_db_url,
        MAX_TEXT_LENGTH=settings.max_text_length,
        MAX_CONTENT_LENGTH=256 * 1024,  # an edited article, Thai percent-encoded
        KNOWLEDGE_DIR=settings.knowledge_dir,
        TRAINING_ROOT=settings.training_root,
        TRAINING_MARGIN=settings.training_margin,
        TRAINING_TIMEOUT_SECONDS=settings.training_timeout_seconds,
        TRAINING_RASA=settings.training_rasa,
        MODEL_SERVER_TOKEN=settings.model_server_token,
        JOB_STALE_SECONDS=settings.job_stale_seconds,
        RATE_LIMIT_CLIENT=settings.rate_limit_client,
        RATE_LIMIT_CONVERSATION=settings.rate_limit_conversation,
        RATE_LIMIT_NEW_CONVERSATION=settings.rate_limit_new_conversation,
        RATE_LIMIT_LOGIN=settings.rate_limit_login,
        RATE_LIMIT_STREAM=settings.rate_limit_stream,
        RATE_LIMIT_HANDOFF=settings.rate_limit_handoff,
        STREAM_SECONDS=settings.stream_seconds,
        STREAM_MAX_PER_CLIENT=settings.stream_max_per_client,
        STREAM_MAX_PER_CONVERSATION=settings.stream_max_per_conversation,
        PRESENCE_SECONDS=settings.presence_seconds,
        CONSOLE_POLL_SECONDS=settings.console_poll_seconds,
        OFFLINE_HANDOFF=settings.offline_handoff,
        AUTO_ASSIGN=settings.auto_assign,
        OFFICE_HOURS=OfficeHours.parse(settings.office_hours, settings.extra_closed_days),
        CENTER_EMAIL=settings.center_email,
        MAIL_FROM=settings.mail_from,
        SMTP_URL=settings.smtp_url,
        VISIT_MINUTES=settings.visit_minutes,
        CENTER_ADDRESS=settings.center_address,
        PUBLIC_URL=settings.public_url.rstrip("/"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        HSTS=settings.hsts,
        PARTNER_SITES=sites.parse(settings.partner_sites),
        KR_RULE=Rule(settings.kr_availability_weight, settings.kr_availability_target,
                     settings.kr_satisfaction_weight, settings.kr_satisfaction_target),
    )


def _limits() -> dict[str, int]:
    """``max_text_length`` in every template (the text boxes' ``maxlength``)."""
    return {"max_text_length": max_text_length()}
