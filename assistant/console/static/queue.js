// Queue page: reload every 5 s so new waiting chats appear (no typing happens here).
setTimeout(function () { window.location.reload(); }, 5000);
