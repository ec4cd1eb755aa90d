"""What a URL may carry: ids a database column can hold, and no NUL characters.

PostgreSQL refuses a NUL in text and an integer beyond its 32-bit INTEGER columns with an
error, not an empty result; without these checks such a URL answered 500 on any page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map

from assistant.models import MAX_MESSAGE_ID


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` that matches only ids an INTEGER column can hold (else 404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        """Werkzeug's integer converter with the database's largest id as its maximum."""
        kwargs.setdefault("max", MAX_MESSAGE_ID)
        super().__init__(map, *args, **kwargs)


def refuse_nul() -> None:
    """404 for a NUL in the path, 400 for one in the query string or a form field."""
    if "\x00" in request.path:
        abort(404)
    values = [*request.args.values(), *(request.form.values() if request.form else [])]
    if any("\x00" in value for value in values):
        abort(400, "Text with a NUL character cannot be stored.")


def init_app(app: Flask) -> None:
    """Bound ``<int:...>`` URL parts and refuse NUL characters on every route."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_nul)
