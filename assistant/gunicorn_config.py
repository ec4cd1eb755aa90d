"""Gunicorn's settings for the web service (``gunicorn -c python:assistant.gunicorn_config``).

The gevent worker: each request, and each open event stream, is a greenlet instead of a
thread, so hundreds of open widgets cost memory, not the request threads that the chat API,
the console, the LINE webhook and ``/api/health`` need. gevent is the asynchronous worker
that gunicorn itself ships support for, and it lets the Flask code stay as it is: the
standard library's sockets, the Rasa client (requests), Redis and psycopg (which detects
gevent and waits cooperatively) all yield while they wait.
"""

worker_class = "gevent"
# Open connections per worker process: requests plus event streams.
worker_connections = 1000
# A worker restart waits this long for requests in flight; streams simply reconnect.
graceful_timeout = 15
# Seconds an idle keep-alive connection stays open for the browser's next request.
keepalive = 5
