"""Rate limits behind reverse proxies: the forwarded client address counts (from as many
proxies as TRUSTED_PROXIES says), sign-in is limited per account too, and event streams
have a limit of their own."""

import uuid

from tests.service.conftest import NO_RASA, make_app
from tests.support.console_helpers import csrf_token


def app_behind(tmp_path, proxies, **limits):
    return make_app(f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}", NO_RASA, NO_RASA,
                    trusted_proxies=proxies, **limits)


def via(address):
    """Headers of a request our proxy forwards for ``address`` (a client may have sent its
    own X-Forwarded-For; the proxy appends the address it saw)."""
    return {"X-Forwarded-For": f"198.51.100.99, {address}"}


def test_each_forwarded_client_has_its_own_budget(tmp_path):
    app = app_behind(tmp_path, 1, rate_limit_client="3 per minute")
    client = app.test_client()
    conversation = client.post("/api/conversations", headers=via("203.0.113.9")).get_json()["id"]
    messages = f"/api/conversations/{conversation}/messages"
    first = [client.get(messages, headers=via("203.0.113.1")).status_code for _ in range(4)]
    assert first == [200, 200, 200, 429]
    assert client.get(messages, headers=via("203.0.113.2")).status_code == 200


def test_forwarded_addresses_are_ignored_without_trusted_proxies(tmp_path):
    app = app_behind(tmp_path, 0, rate_limit_client="3 per minute")
    client = app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    messages = f"/api/conversations/{conversation}/messages"
    statuses = [client.get(messages, headers=via(f"203.0.113.{n}")).status_code
                for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]  # a made-up X-Forwarded-For buys nothing


def test_sign_in_is_limited_per_account_from_any_address(tmp_path):
    app = app_behind(tmp_path, 1, rate_limit_login="3 per minute")
    browser = app.test_client()
    token = csrf_token(browser, "/console/login")

    def attempt(email, address):
        return browser.post("/console/login", headers=via(address), data={
            "email": email, "password": "wrong password!", "csrf_token": token}).status_code

    target = "director@bangkok.go.th"
    spread = [attempt(target, f"203.0.113.{n}") for n in range(1, 5)]
    assert spread == [200, 200, 200, 429]
    assert attempt(" Director@Bangkok.go.th ", "203.0.113.5") == 429  # same account
    assert attempt("someone.else@bangkok.go.th", "203.0.113.6") == 200
    one_address = [attempt(f"user{n}@bangkok.go.th", "203.0.113.7") for n in range(4)]
    assert one_address == [200, 200, 200, 429]  # and per address, as before


def test_event_streams_have_their_own_limit(tmp_path):
    app = app_behind(tmp_path, 1, rate_limit_client="5 per minute",
                     rate_limit_stream="2 per minute", stream_seconds=0.1)
    client = app.test_client()
    user = via("203.0.113.1")
    conversation = client.post("/api/conversations", headers=user).get_json()["id"]
    stream = f"/api/conversations/{conversation}/events"

    def open_stream(headers):
        response = client.get(stream, headers=headers)
        response.get_data()  # read it to its end
        return response.status_code

    assert [open_stream(user) for _ in range(3)] == [200, 200, 429]
    assert open_stream(via("203.0.113.2")) == 200  # another user behind the same proxy
    # Streams do not use up the address's budget for the rest of the API.
    messages = f"/api/conversations/{conversation}/messages"
    assert [client.get(messages, headers=user).status_code for _ in range(4)] == [200] * 4


def test_the_scheme_is_the_one_the_proxy_forwards(tmp_path):
    """A TLS-terminating proxy says https: a page at https://<the service's host> is then
    the center's own site (the service itself was reached over http)."""
    client = app_behind(tmp_path, 1).test_client()
    page = {"Origin": "https://localhost"}
    assert client.get("/api/site", headers=page).get_json()["site"] == "https://localhost"
    forwarded = {**page, "X-Forwarded-Proto": "https"}
    assert client.get("/api/site", headers=forwarded).get_json()["site"] is None
