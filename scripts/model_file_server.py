"""A model file served as Rasa's model pulling expects it, for Rasa servers started alone.

``endpoints.scale.yml`` has every Rasa server pull its model from the web service
(``GET /api/model``). Tests and the load test start the Rasa servers before the service:
they pull from this stand-in instead, which serves one file with its SHA-256 as ETag and
answers 304 to a server that has it.
"""

from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator


def newest_model(directory: Path) -> Path:
    """The newest ``*.tar.gz`` in ``directory`` (what ``rasa run --model DIR`` loads)."""
    return max(directory.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)


@contextmanager
def model_file_server(model: Path, port: int = 0) -> Iterator[str]:
    """Serve ``model`` on loopback ``port`` (default: a free one); yields its URL."""
    data = model.read_bytes()
    etag = f'"{hashlib.sha256(data).hexdigest()}"'

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            fresh = self.headers.get("If-None-Match") != etag
            self.send_response(200 if fresh else 304)
            self.send_header("ETag", etag)
            self.send_header("filename", model.name)
            self.send_header("Content-Length", str(len(data) if fresh else 0))
            self.end_headers()
            if fresh:
                self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/model"
    finally:
        server.shutdown()
        server.server_close()
