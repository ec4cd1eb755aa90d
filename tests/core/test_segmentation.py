"""Word splitting and the Rasa tokenizer: Thai segmented, Latin kept whole, exact offsets."""

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.segmentation import split_words
from nlu.thai_tokenizer import ThaiTokenizer


def tokenize(text):
    tokenizer = ThaiTokenizer(ThaiTokenizer.get_default_config())
    message = Message.build(text=text)
    tokenizer.process([message])
    return [(t.text, t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT])]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("How do I extend my Non-B visa?", ["How", "do", "I", "extend", "my", "Non-B", "visa"]),
        ("ต่อวีซ่าที่ไหนครับ", ["ต่อ", "วีซ่า", "ที่ไหน", "ครับ"]),
        ("ต่อ visa ที่ไหนครับ", ["ต่อ", "visa", "ที่ไหน", "ครับ"]),
        ("แจ้ง TM30 ภายใน 24 ชั่วโมง", ["แจ้ง", "TM30", "ภายใน", "24", "ชั่วโมง"]),
        ("ยื่น ภ.ง.ด.90 ได้มั้ย", ["ยื่น", "ภ.ง.ด.", "90", "ได้", "มั้ย"]),
        ("rent (3.5%) in Ari", ["rent", "3.5", "in", "Ari"]),
        ("สายด่วน ปภ. เบอร์อะไร", ["สายด่วน", "ปภ", "เบอร์", "อะไร"]),
        ("อยู่ตึกไหนคะ", ["อยู่", "ตึก", "ไหน", "คะ"]),
        ("อยู่เกินมาปีกว่าแล้ว", ["อยู่", "เกิน", "มา", "ปี", "กว่า", "แล้ว"]),
    ],
)
def test_words_and_offsets(text, expected):
    tokens = tokenize(text)
    assert [t[0] for t in tokens] == expected
    for word, start, end in tokens:
        assert text[start:end] == word


def test_offsets_point_into_original_text_with_extra_spaces():
    text = "  ขอ   work permit  ให้แม่บ้าน  "
    tokens = tokenize(text)
    assert [t[0] for t in tokens] == ["ขอ", "work", "permit", "ให้", "แม่บ้าน"]
    assert tokens[1][1:] == (text.index("work"), text.index("work") + 4)
    assert all(text[start:end] == word for word, start, end in tokens)


def test_no_whitespace_or_punctuation_tokens():
    words = split_words("สวัสดีค่ะ!!  ช่วย ด้วย ... 🙏")
    assert all(w.text.strip() and w.text not in {"!", "."} for w in words)
    assert "🙏" not in [w.text for w in words]


def test_message_without_words_keeps_one_token():
    assert tokenize("???") == [("???", 0, 3)]
