"""Personal data replaced by placeholders before text is written to training data.

Finds e-mail addresses, Thai national ID numbers (13 digits whose check digit is right),
passport numbers, phone numbers (Thai and international) and bank account numbers, in
English and Thai text. Each is replaced by a placeholder such as ``<EMAIL>``, so an example
keeps its shape ("my number is <PHONE>") without the person's data.
"""

from __future__ import annotations

import re
from typing import Callable

PLACEHOLDERS = ("<EMAIL>", "<THAI_ID>", "<PASSPORT>", "<PHONE>", "<BANK_ACCOUNT>")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 13 digits, optionally grouped 1-4-5-2-1 with dashes or spaces.
_THAI_ID = re.compile(r"(?<!\d)\d[ -]?\d{4}[ -]?\d{5}[ -]?\d{2}[ -]?\d(?!\d)")
# One or two capital letters and 6-9 digits (Thai "AA1234567", many other countries).
_PASSPORT = re.compile(r"(?<![\w])[A-Z]{1,2}\d{6,9}(?![\w])")
# +66 / 0 prefixes (mobile 0[6-9]x, Bangkok 02) or any +country number, with separators.
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ -]?\(?\d{1,3}\)?|0\d{1,2})(?:[ -]?\d){6,8}(?!\d)")
# Bank accounts: xxx-x-xxxxx-x, or a bare run of 10-12 digits.
_BANK = re.compile(r"(?<!\d)(?:\d{3}-\d-\d{5}-\d|\d{10,12})(?!\d)")


def thai_id_is_valid(digits: str) -> bool:
    """The check digit of a 13-digit Thai national ID number is right."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def _thai_id(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "<THAI_ID>" if thai_id_is_valid(digits) else match.group(0)


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str] | str], ...] = (
    (_EMAIL, "<EMAIL>"),
    (_THAI_ID, _thai_id),
    (_PASSPORT, "<PASSPORT>"),
    (_PHONE, "<PHONE>"),
    (_BANK, "<BANK_ACCOUNT>"),
)


def redact(text: str) -> str:
    """``text`` with personal data replaced by placeholders."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
