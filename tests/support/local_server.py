"""Serve a WSGI app of a test on a free loopback port, in a thread."""

import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from werkzeug.serving import make_server

from scripts.servers import free_port


@contextmanager
def serving(app: Any, ssl_context: Optional[tuple[str, str]] = None) -> Iterator[str]:
    """Run ``app`` on a free port (HTTPS with ``ssl_context``: certificate and key files);
    yields its base URL, stops it afterwards."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True, ssl_context=ssl_context)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"{'https' if ssl_context else 'http'}://127.0.0.1:{port}"
    finally:
        server.shutdown()
