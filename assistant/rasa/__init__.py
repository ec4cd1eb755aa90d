"""The Rasa servers behind the service; ``current_rasa()`` is the one way to reach them."""

from __future__ import annotations

from flask import Flask, current_app

from assistant.rasa.pool import RasaPool
from assistant.settings import Settings


def init_app(app: Flask, settings: Settings) -> None:
    """Give ``app`` its Rasa servers (``RASA_URLS``: one, or several with failover)."""
    app.extensions["rasa"] = RasaPool(settings.rasa_urls,
                                      settings.rasa_timeout_seconds, settings.rasa_auth_token)


def current_rasa() -> RasaPool:
    """The Rasa servers of the current app."""
    pool: RasaPool = current_app.extensions["rasa"]
    return pool
