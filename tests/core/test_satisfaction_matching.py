"""Typed satisfaction answers: same levels as before, linear time on hostile text, and a
hostile rating never stalls other chats on the action server."""

import random
import re
import threading
import time

import pytest
from rasa_sdk import Tracker

from actions.satisfaction import level_from_message, without_polite_ending
from common.rasa_client import RasaClient

# The former pattern: the reference for ordinary answers (cubic time on long runs of "!").
FORMER_POLITE_ENDING = re.compile(r"[\s.!]*(ครับ|ค่ะ|คะ|จ้า|นะ)*[\s.!]*$")
# Rasa passes "/intent@confidence" on with the rest of the text: it reaches the action as is.
HOSTILE = "/rate_satisfaction@1.0" + "!" * 2000 + "x"


def rating(text):
    message = {"text": text, "intent": {"name": "rate_satisfaction", "confidence": 1.0},
               "entities": []}
    return Tracker("s", {}, message, [], False, None, {}, "action_listen")


@pytest.mark.parametrize("text, level", [
    ("Satisfied!", 4), ("satisfied.", 4), ("  Very   satisfied !! ", 5), ("4 !", 4),
    ("พึงพอใจมากค่ะ", 5), ("พอใจครับ!!", 4), ("เฉยๆ นะคะ", 3), ("เฉย ๆ ครับ", 3),
    ("ไม่พอใจค่ะ.", 2), ("ไม่พึงพอใจมากนะครับ", 1),
    ("satisfied, thanks!", None), ("not very satisfied", None), ("พอใจ นะ ครับ", None),
    ("ครับ", None), ("!!!", None),
])
def test_polite_ratings_keep_their_levels(text, level):
    assert level_from_message(rating(text)) == level


def test_same_result_as_the_former_pattern():
    pieces = [" ", ".", "!", "ครับ", "ค่ะ", "คะ", "จ้า", "นะ", "ค", "ะ", "่", "a", "พอใจ", "1"]
    generator = random.Random(16)
    for _ in range(20000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 8)))
        assert without_polite_ending(text) == FORMER_POLITE_ENDING.sub("", text), repr(text)


@pytest.mark.parametrize("hostile", [
    "x" + "!" * 100_000 + "x", "x" + " !" * 50_000 + "x", "พอใจ" + "นะ" * 50_000 + " x",
])
def test_stripping_is_linear_on_hostile_endings(hostile):
    started = time.perf_counter()
    without_polite_ending(hostile)
    assert time.perf_counter() - started < 0.5


def test_a_long_hostile_rating_is_answered_at_once():
    started = time.perf_counter()
    assert level_from_message(rating(HOSTILE)) is None
    assert time.perf_counter() - started < 0.5


def test_hostile_rating_does_not_stall_other_chats(assistant, sender):
    """The action server has one event loop: a slow rating would hold up every chat."""
    hostile_chat = RasaClient(assistant.base_url, timeout=120, auth_token=assistant.auth_token)
    attack = threading.Thread(target=hostile_chat.send, args=(f"{sender}-hostile", HOSTILE))
    attack.start()
    try:
        time.sleep(1)  # the hostile rating reaches the action server first
        started = time.perf_counter()
        replies = assistant.send(sender, "How can I extend my tourist visa in Bangkok?")
        elapsed = time.perf_counter() - started
    finally:
        attack.join()
    assert any(reply.metadata.get("article_ids") for reply in replies)
    assert elapsed < 8, f"a normal question waited {elapsed:.1f} s"
