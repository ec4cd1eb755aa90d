"""Which site a chat API request comes from, who may call the API, and its CORS headers.

The site is the browser's ``Origin`` header (page scripts cannot change it), else the origin
of ``Referer``; a request with neither, or with the service's own origin (its host or
``PUBLIC_URL``), comes from the center's own site. With ``PARTNER_SITES`` set, other sites
are refused (403 ``site_not_allowed``, nothing stored) and CORS grants only the allowed ones;
without, any site may call the API (``Access-Control-Allow-Origin: *``). The API uses no
cookies, so granting an origin grants it nothing a page could not do without one.
"""

from __future__ import annotations

from typing import Optional

from flask import Response, current_app, request

from assistant.chat.errors import ConversationError
from assistant.chat.sites import OPAQUE, PartnerSites, origin_of

# Readable from any site: what this API is (the document), whether it is up, and whether the
# calling site may use it (so the widget can say so).
OPEN_ENDPOINTS = {"api.openapi", "api.health", "api.site"}


def partner_sites() -> PartnerSites:
    """The allow-list of the running app."""
    sites: PartnerSites = current_app.config["PARTNER_SITES"]
    return sites


def _own_origins() -> set[str]:
    return {origin for origin in (origin_of(request.host_url),
                                  origin_of(current_app.config["PUBLIC_URL"])) if origin}


def request_site() -> Optional[str]:
    """The origin of the page that sent the request; None: the center's own site."""
    header = request.headers.get("Origin") or request.headers.get("Referer")
    if not header:
        return None
    origin = origin_of(header) or OPAQUE
    return None if origin in _own_origins() else origin


def refuse_other_sites() -> None:
    """Before each chat API request: a 403 error for a site that may not embed the widget.

    Preflights pass (the answer just grants no origin) and so do ``OPEN_ENDPOINTS``.
    """
    if request.method == "OPTIONS" or request.endpoint in OPEN_ENDPOINTS:
        return
    if not partner_sites().allows(request_site()):
        raise ConversationError(403, "site_not_allowed",
                                "The chat is not offered on this site: the center has not "
                                "listed it among its partner sites.")


def cors_headers(response: Response) -> Response:
    """After each API request: the origin the browser may read the answer from."""
    sites = partner_sites()
    if not sites.names or request.endpoint in OPEN_ENDPOINTS:
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        response.vary.add("Origin")
        origin = request.headers.get("Origin")
        if origin and sites.allows(request_site()):
            response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Headers"] = \
        "Authorization, Content-Type, Last-Event-ID"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE, OPTIONS"
    return response
