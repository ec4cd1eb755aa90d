"""Serves the embeddable chat widget (webchat/) and its demo page."""

from flask import Blueprint, Response, request, send_from_directory

from assistant.settings import ROOT

WEBCHAT_DIR = ROOT / "webchat"
WIDGET_PARTS = WEBCHAT_DIR / "widget"
CACHE_SECONDS = 300
blueprint = Blueprint("webchat", __name__)


@blueprint.get("/")
def demo_page() -> Response:
    """The demo page in the style of the center's homepage, with the widget embedded."""
    return send_from_directory(WEBCHAT_DIR, "demo.html")


def widget_script() -> str:
    """The widget's parts (webchat/widget/*.js, in name order) as one script.

    In one function: one tag embeds it, and its names stay out of the host page.
    """
    parts = [path.read_text(encoding="utf-8") for path in sorted(WIDGET_PARTS.glob("*.js"))]
    return '(function () {\n"use strict";\n' + "\n".join(parts) + "})();\n"


@blueprint.get("/webchat/widget.js")
def widget() -> Response:
    """The widget's script."""
    response = Response(widget_script(), mimetype="text/javascript")
    response.cache_control.max_age = CACHE_SECONDS
    response.add_etag()
    response.make_conditional(request)
    return response


@blueprint.get("/webchat/<path:filename>")
def widget_file(filename: str) -> Response:
    """widget.css, the demo page's and the rating page's styles."""
    return send_from_directory(WEBCHAT_DIR, filename, max_age=CACHE_SECONDS)
