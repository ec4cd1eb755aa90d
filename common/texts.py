"""Texts both the action server and the web service say, written once."""

# The thanks for an answer to the satisfaction question: the bot's (a rating in the chat)
# and the web service's (the rating buttons after a close, the rating page of an e-mail).
RATING_THANKS = {
    "en": "Thank you for your feedback! It helps us improve the service.",
    "th": "ขอบคุณสำหรับความคิดเห็นค่ะ ข้อมูลนี้ช่วยให้เราพัฒนาบริการได้ดียิ่งขึ้น",
}
