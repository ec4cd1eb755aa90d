"""A chat's secrets and its public name: random tokens kept only as hashes, references.

A token (the access token of a web chat, the token of an e-mailed rating link) is 256 random
bits; the database keeps its SHA-256, so a copy of the database opens nothing. A reference
("C-7F3K9Q2M") names a chat where people outside the console read it (report exports,
e-mails to the center) instead of the conversation id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

# Crockford's base 32: digits and capitals without I, L, O and U (misread, or rude words).
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8  # 40 random bits
REFERENCE_PREFIX = "C-"


def new_token() -> str:
    """A new random token, safe in URLs (43 characters)."""
    return secrets.token_urlsafe(32)


def hashed(token: str) -> str:
    """What is stored of ``token``: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def matches(token: Optional[str], stored_hash: Optional[str]) -> bool:
    """``token`` is the one whose hash is stored (compared in constant time)."""
    return bool(token and stored_hash) and hmac.compare_digest(hashed(str(token)),
                                                               str(stored_hash))


def new_reference() -> str:
    """A new random chat reference, e.g. ``C-7F3K9Q2M``."""
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET)
                                      for _ in range(REFERENCE_LENGTH))
