"""Language detection rule and explicit language requests."""

import pytest

from nlu.language import detect_language, requested_language


@pytest.mark.parametrize(
    "text, language, mixed",
    [
        ("How do I extend my visa?", "en", False),
        ("ต่ออายุวีซ่าที่ไหนครับ", "th", False),
        ("ต่อ visa ที่ไหนครับ", "th", True),
        ("SMART visa ต้องมีคุณสมบัติอะไรบ้าง", "th", True),
        ("where can I buy ยาดม", "en", True),
    ],
)
def test_detect_language(text, language, mixed):
    guess = detect_language(text)
    assert guess is not None
    assert (guess.language, guess.mixed) == (language, mixed)


@pytest.mark.parametrize("text", ["", "12345", "🙂👍", "???"])
def test_no_letters_no_decision(text):
    assert detect_language(text) is None


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("English please", "en"),
        ("ตอบเป็นภาษาอังกฤษได้ไหม", "en"),
        ("ขอภาษาไทย", "th"),
        ("can you answer in Thai?", "th"),
        ("change the language", None),
    ],
)
def test_requested_language(text, wanted):
    assert requested_language(text) == wanted
