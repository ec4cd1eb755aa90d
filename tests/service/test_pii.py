"""Personal data is replaced before anything is written to training data."""

import pytest

from assistant.records.pii import redact, thai_id_is_valid


def with_check_digit(first_twelve):
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return first_twelve + str((11 - total % 11) % 10)


VALID_ID = with_check_digit("110170012345")


def test_thai_id_check_digit():
    assert thai_id_is_valid(VALID_ID)
    wrong = VALID_ID[:12] + str((int(VALID_ID[12]) + 1) % 10)
    assert not thai_id_is_valid(wrong)
    assert not thai_id_is_valid("12345")


@pytest.mark.parametrize("text, expected", [
    ("mail me at somchai.k+visa@gmail.com please", "mail me at <EMAIL> please"),
    (f"เลขบัตรประชาชน {VALID_ID} ค่ะ", "เลขบัตรประชาชน <THAI_ID> ค่ะ"),
    (f"ID {VALID_ID[0]}-{VALID_ID[1:5]}-{VALID_ID[5:10]}-{VALID_ID[10:12]}-{VALID_ID[12]}",
     "ID <THAI_ID>"),
    ("my passport AA1234567 expires soon", "my passport <PASSPORT> expires soon"),
    ("โทร 081-234-5678 หรือ 0812345678", "โทร <PHONE> หรือ <PHONE>"),
    ("call +66 81 234 5678 or 02 123 4567", "call <PHONE> or <PHONE>"),
    ("transfer to 123-4-56789-0 at KBank", "transfer to <BANK_ACCOUNT> at KBank"),
])
def test_personal_data_becomes_placeholders(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "TM30 and the 90 day report for a Non-B visa",
    "the fee is 1,900 baht and 2 million baht capital",
    "condo 12/34 on soi 11, moved in on 2026-11-27",
    "ต่อวีซ่าที่แจ้งวัฒนะ ค่าธรรมเนียม 1900 บาท",
])
def test_ordinary_numbers_and_codes_stay(text):
    assert redact(text) == text
