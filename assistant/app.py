"""Flask app factory of the web service: ``flask --app assistant.app run``."""

from __future__ import annotations

from typing import Optional

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from assistant.channels.line import LineChannel
from assistant.extensions import db, migrate
from assistant.models import CHANNEL_NAMES
from assistant.office_hours import OfficeHours
from assistant.rasa_pool import RasaPool
from assistant.settings import ROOT, Settings

MIGRATIONS = str(ROOT / "assistant" / "migrations")


def create_app(settings: Optional[Settings] = None) -> Flask:
    """A configured app: database, migrations, Rasa client and the blueprints."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
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
        RATE_LIMIT_CLIENT=settings.rate_limit_client,
        RATE_LIMIT_CONVERSATION=settings.rate_limit_conversation,
        RATE_LIMIT_NEW_CONVERSATION=settings.rate_limit_new_conversation,
        RATE_LIMIT_LOGIN=settings.rate_limit_login,
        RATE_LIMIT_STREAM=settings.rate_limit_stream,
        STREAM_SECONDS=settings.stream_seconds,
        PRESENCE_SECONDS=settings.presence_seconds,
        CONSOLE_POLL_SECONDS=settings.console_poll_seconds,
        OFFLINE_HANDOFF=settings.offline_handoff,
        AUTO_ASSIGN=settings.auto_assign,
        OFFICE_HOURS=OfficeHours.parse(settings.office_hours, settings.extra_closed_days),
        CENTER_EMAIL=settings.center_email,
        MAIL_FROM=settings.mail_from,
        SMTP_URL=settings.smtp_url,
        PUBLIC_URL=settings.public_url.rstrip("/"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        HSTS=settings.hsts,
    )
    if settings.trusted_proxies:  # the client address is the one these proxies saw
        app.wsgi_app = ProxyFix(app.wsgi_app,  # type: ignore[method-assign]
                                x_for=settings.trusted_proxies)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.globals["channel_names"] = CHANNEL_NAMES
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    app.extensions["rasa"] = RasaPool(settings.rasa_url.split(","),
                                      settings.rasa_timeout_seconds, settings.rasa_auth_token)
    if settings.line_channel_secret:
        app.extensions["line"] = LineChannel(settings.line_channel_secret,
                                             settings.line_channel_access_token,
                                             settings.line_api_url)

    from assistant import (
        cli,
        console,
        console_models,  # noqa: F401 - the console's tables and relations
        push,
        rating_page,
        security,
        webchat,
    )
    from assistant.api import blueprint as api
    from assistant.channels import line_webhook
    from assistant.console import assignment as console_assignment
    from assistant.console import canned as console_canned
    from assistant.console import history as console_history
    from assistant.console import knowledge as console_knowledge
    from assistant.console import labels as console_labels
    from assistant.console import notes as console_notes
    from assistant.reports import cli as report_cli
    from assistant.reports import views as reports
    from assistant.training import cli as training_cli
    from assistant.training import views as training

    security.init_app(app, settings.rate_limit_storage)
    push.init_app(app, settings.redis_url)
    csrf = CSRFProtect(app)
    csrf.exempt(api)  # JSON API without cookies: nothing for a forged form to ride on
    csrf.exempt(line_webhook.blueprint)  # LINE's signature authenticates it instead
    console.login_manager.init_app(app)
    app.register_blueprint(api)
    app.register_blueprint(line_webhook.blueprint)
    app.register_blueprint(rating_page.blueprint)
    app.register_blueprint(console.blueprint)
    app.register_blueprint(console_assignment.blueprint)
    app.register_blueprint(console_canned.blueprint)
    app.register_blueprint(console_knowledge.blueprint)
    app.register_blueprint(console_notes.blueprint)
    app.register_blueprint(console_labels.blueprint)
    app.register_blueprint(console_history.blueprint)
    app.register_blueprint(reports.blueprint)
    app.register_blueprint(training.blueprint)
    app.register_blueprint(webchat.blueprint)
    cli.register(app)
    report_cli.register(app)
    training_cli.register(app)
    return app
