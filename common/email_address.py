"""E-mail addresses written inside a chat message ("it's name@example.com, thanks")."""

from __future__ import annotations

import re
from typing import List

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def addresses_in(text: str) -> List[str]:
    """Every string in ``text`` shaped like an e-mail address, in order."""
    return EMAIL.findall(text)
