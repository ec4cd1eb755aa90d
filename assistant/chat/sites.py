"""Sites that embed the chat widget: the partner allow-list (``PARTNER_SITES``) and their names.

A site is a browser origin (``https://www.boi.go.th``). Chats keep the site they started on;
the center's own site (the demo page, requests with no origin or with the service's own) is
kept as None. With no partner sites set, any site may embed the widget (a local install);
with some, only they and the center's own site may use the chat API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

from assistant.models import SITE_LENGTH

OWN_SITE = {"en": "Center's own site", "th": "เว็บไซต์ของศูนย์ฯ"}
# What a browser sends as Origin: scheme, host name or IP address, port unless the default.
_ORIGIN = re.compile(r"^(https?)://([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# An origin that is not one of a web page (sandboxed frame, file, unreadable header).
OPAQUE = "null"


def origin_of(url: str) -> Optional[str]:
    """The origin of ``url``, or None when it is not an http(s) URL (or too long to keep).

    ``scheme://host[:port]`` in lower case, without the scheme's default port.
    """
    parts = urlsplit(url.strip())
    match = _ORIGIN.match(f"{parts.scheme}://{parts.netloc}".lower())
    if match is None or len(match.group(0)) > SITE_LENGTH:
        return None
    scheme, host, port = match.groups()
    return f"{scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS[scheme] else "")


@dataclass(frozen=True)
class PartnerSites:
    """The allow-list: each partner's origin and the name the reports show for it."""

    names: dict[str, str] = field(default_factory=dict)

    def allows(self, site: Optional[str]) -> bool:
        """``site`` may use the chat API (None: the center's own site, always)."""
        return site is None or not self.names or site in self.names

    def name(self, site: Optional[str], language: str = "en") -> str:
        """How reports name ``site``: the partner's name, else its origin."""
        if site is None:
            return OWN_SITE[language]
        return self.names.get(site, site)


def parse(raw: str) -> PartnerSites:
    """``PARTNER_SITES``: ``origin=Name`` entries separated by ``;`` ("" = none).

    A ValueError names an entry that is not an origin, or one given twice.
    """
    names: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        url, _, name = entry.partition("=")
        origin, parts = origin_of(url), urlsplit(url.strip())
        if origin is None or parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(f"PARTNER_SITES: {url.strip()!r} is not an origin such as "
                             "https://www.example.go.th (no path)")
        if origin in names:
            raise ValueError(f"PARTNER_SITES: {origin} is listed twice")
        names[origin] = name.strip() or origin
    return PartnerSites(names)

