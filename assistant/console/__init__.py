"""Staff console: login, queue of waiting chats, transcript, take over, reply, hand back, close."""
