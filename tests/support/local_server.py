"""Serve a WSGI app of a test on a free loopback port, in a thread."""

import threading
from contextlib import contextmanager
from typing import Any, Iterator

from werkzeug.serving import make_server

from scripts.servers import free_port


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run ``app`` on a free port; yields its base URL, stops it afterwards."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
