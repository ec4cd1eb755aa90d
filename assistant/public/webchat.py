"""Serves the embeddable chat widget (webchat/) and its demo page."""

from flask import Blueprint, Response, send_from_directory

from assistant.settings import ROOT

WEBCHAT_DIR = ROOT / "webchat"
blueprint = Blueprint("webchat", __name__)


@blueprint.get("/")
def demo_page() -> Response:
    """The demo page in the style of the center's homepage, with the widget embedded."""
    return send_from_directory(WEBCHAT_DIR, "demo.html")


@blueprint.get("/webchat/<path:filename>")
def widget_file(filename: str) -> Response:
    """widget.js, widget.css."""
    return send_from_directory(WEBCHAT_DIR, filename, max_age=300)
