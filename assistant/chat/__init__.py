"""The chat core: conversations, hand-off to staff, assignment, offline questions, ratings."""
