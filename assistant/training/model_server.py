"""``GET /api/model``: the accepted model for Rasa's model pulling, never public.

Rasa 3.6 (``rasa.core.agent._pull_model_and_fingerprint``) sends ``If-None-Match`` with the
ETag of the model it serves and the ``headers`` of its ``models:`` endpoint; it loads the
body of a 200 (saved under the ``filename`` header) and keeps its model on 304 or 404. The
ETag is the model file's SHA-256. Only a request with ``Authorization: Bearer
MODEL_SERVER_TOKEN`` gets an answer; without that setting there is no model server (404).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, request

from assistant.training import model_store

blueprint = Blueprint("model_server", __name__)


def _authorized() -> bool:
    expected = f"Bearer {current_app.config['MODEL_SERVER_TOKEN']}"
    return hmac.compare_digest(request.headers.get("Authorization", ""), expected)


@blueprint.get("/api/model")
def accepted_model() -> Response:
    """The accepted model file, or 304 when the caller has it already."""
    if not model_store.pulled():
        abort(404)
    if not _authorized():
        abort(401)
    model = model_store.published()
    if model is None:
        abort(404)
    etag = f'"{model.sha256}"'
    headers = {"ETag": etag, "filename": model.name, "Cache-Control": "no-cache"}
    if request.headers.get("If-None-Match") in (etag, model.sha256):
        return Response(status=304, headers=headers)
    return Response(model.data, mimetype="application/gzip", headers=headers)
