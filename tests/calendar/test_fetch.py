"""Fetching ICS feeds: conditional GETs against a real local HTTP server, failures mapped to safe messages, the
SSRF guard, size and time limits, and the secret address kept out of errors and logs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Iterator
from email.utils import formatdate

import httpx
import pytest

from relbot.calendar import fetch
from relbot.calendar.fetch import (
    ACCEPT,
    USER_AGENT,
    CalendarUrlError,
    FetchResult,
    feed_id,
    fetch_feed,
    next_attempt_delay,
    normalise_feed_url,
    redact_url,
)
from tests.support.ics_server import IcsServer, ServedRequest

SECRET = "private-5f0c1d2e3b4a69788796a5b4c3d2e1f0"
FEED = f"/calendar/ical/maya%40agency.example/{SECRET}/basic.ics"
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"
FAST = 0.3  # seconds; every timeout in these tests


@pytest.fixture()
def server() -> Iterator[IcsServer]:
    with IcsServer() as running:
        yield running


def get(url: str, **kwargs: object) -> FetchResult:
    options: dict[str, object] = {"allow_private": True, "timeout_s": 2.0, **kwargs}
    return fetch_feed(url, **options)  # type: ignore[arg-type]


def assert_no_secret(result: FetchResult) -> None:
    assert SECRET not in (result.error or "")
    assert "/calendar/ical" not in (result.error or "")


# -- conditional fetching ------------------------------------------------------------------------------------


def test_first_fetch_is_changed_then_304_with_both_validators_sent(server: IcsServer) -> None:
    url = server.publish(FEED, ICS)
    first = get(url)
    assert first.status == "changed" and first.body == ICS and first.error is None
    assert first.etag and first.etag.startswith('"') and first.last_modified and first.last_modified.endswith("GMT")
    assert first.elapsed_ms > 0

    second = get(url, etag=first.etag, last_modified=first.last_modified)
    assert second.status == "not_modified" and second.body is None
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)
    headers = server.last_headers(FEED)
    assert headers["if-none-match"] == first.etag and headers["if-modified-since"] == first.last_modified
    assert server.requests_to(FEED) == [ServedRequest("GET", FEED, False, 200), ServedRequest("GET", FEED, True, 304)]


def test_identifies_itself_and_asks_for_calendars(server: IcsServer) -> None:
    get(server.publish(FEED, ICS))
    headers = server.last_headers(FEED)
    assert headers["user-agent"] == USER_AGENT == "relbot-calendar/1 (+https://github.com/relbot)"
    assert headers["accept"] == ACCEPT and "gzip" in headers["accept-encoding"]


def test_a_new_body_comes_back_changed_with_new_validators(server: IcsServer) -> None:
    url = server.publish(FEED, ICS)
    first = get(url)
    updated = ICS.replace(b"VERSION:2.0", b"VERSION:2.0\r\nX-WR-CALNAME:Maya")
    server.publish(FEED, updated)
    second = get(url, etag=first.etag, last_modified=first.last_modified)
    assert second.status == "changed" and second.body == updated
    assert second.etag != first.etag and second.last_modified != first.last_modified
    assert server.requests_to(FEED)[-1] == ServedRequest("GET", FEED, True, 200)


def test_gzip_bodies_arrive_decoded(server: IcsServer) -> None:
    big = ICS * 2000
    result = get(server.publish(FEED, big))
    assert result.status == "changed" and result.body == big


# -- failures -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_revoked_or_removed_addresses_fail_permanently_with_a_message(server: IcsServer, status: int) -> None:
    server.fail(FEED, status, b"<html>nope</html>")
    result = get(server.url(FEED))
    assert result.status == "failed" and result.permanent and result.body is None
    assert result.error and result.error.startswith(f"the calendar server answered {status} ")
    assert "connect the" in result.error  # it says what to do
    assert_no_secret(result)


def test_404_message_names_the_reset_address() -> None:
    assert fetch._status_error(404) == ("the calendar server answered 404 Not Found: the address was removed or "
                                       "reset; connect the new secret address")


def test_server_errors_are_retried_not_permanent(server: IcsServer) -> None:
    server.fail(FEED, 500, b"oops")
    result = get(server.url(FEED))
    assert result.status == "failed" and not result.permanent and result.retry_after_s is None
    assert result.error == ("the calendar server answered 500 Internal Server Error: a problem on the calendar "
                            "server's side; relbot will retry")


def test_429_retry_after_seconds_is_reported_and_honoured_by_the_backoff(server: IcsServer) -> None:
    server.fail(FEED, 429, headers={"Retry-After": "1800"})
    result = get(server.url(FEED))
    assert result.status == "failed" and not result.permanent and result.retry_after_s == 1800
    assert next_attempt_delay(1, retry_after_s=result.retry_after_s) == dt.timedelta(minutes=30)
    assert next_attempt_delay(9, retry_after_s=result.retry_after_s) == dt.timedelta(hours=6)  # backoff is longer


def test_503_retry_after_http_date(server: IcsServer) -> None:
    when = formatdate(dt.datetime.now(dt.UTC).timestamp() + 3600, usegmt=True)
    server.fail(FEED, 503, headers={"Retry-After": when})
    result = get(server.url(FEED))
    assert result.retry_after_s is not None and 3500 < result.retry_after_s <= 3600


def test_a_slow_server_times_out(server: IcsServer) -> None:
    server.publish(FEED, ICS)
    server.delay(FEED, 2.0)
    result = get(server.url(FEED), timeout_s=FAST)
    assert result.status == "failed" and not result.permanent
    assert result.error and result.error.startswith("timed out after 0.3 s")
    assert result.elapsed_ms < 1500


def test_a_body_that_trickles_in_hits_the_overall_deadline(server: IcsServer) -> None:
    server.publish(FEED, ICS * 50, chunked=True)
    server.delay(FEED, 0.2, during_body=True)
    result = get(server.url(FEED), timeout_s=0.15)
    assert result.status == "failed" and result.error and result.error.startswith("timed out after 0.15 s")


def test_body_over_the_limit_is_refused_from_content_length() -> None:
    with IcsServer(gzip_responses=False) as server:
        server.publish(FEED, os.urandom(4096))
        result = get(server.url(FEED), max_bytes=1024)
    assert result.status == "failed" and result.body is None and result.error == "the feed is larger than 1 kB"


def test_body_over_the_limit_is_refused_while_streaming_without_content_length(server: IcsServer) -> None:
    server.publish(FEED, b"X" * (300 * 1024), chunked=True)  # gzipped too: the limit is on the decoded size
    result = get(server.url(FEED), max_bytes=100 * 1024)
    assert result.status == "failed" and result.error == "the feed is larger than 100 kB"
    assert get(server.url(FEED), max_bytes=300 * 1024).body == b"X" * (300 * 1024)  # exactly the limit is fine


def test_the_default_limit_reads_as_5_mb() -> None:
    assert fetch._size(5 * 2**20) == "5 MB"


def test_connection_refused_is_a_clear_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = get(f"http://127.0.0.1:{port}{FEED}", timeout_s=FAST)
    assert result.status == "failed" and result.error == "could not connect (connection refused)"
    assert not result.permanent


def test_a_host_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    result = fetch_feed(f"https://calendar.nowhere.example{FEED}", timeout_s=FAST)
    assert result.status == "failed" and result.error
    assert "calendar.nowhere.example does not resolve" in result.error
    assert_no_secret(result)


def test_an_unusable_address_fails_instead_of_raising() -> None:
    result = fetch_feed("ftp://calendar.example.com/" + SECRET)
    assert result.status == "failed" and result.permanent and result.error and "https://" in result.error
    assert_no_secret(result)


# -- redirects ----------------------------------------------------------------------------------------------


def test_redirects_are_followed_to_the_feed(server: IcsServer) -> None:
    server.publish(FEED, ICS)
    server.redirect("/old.ics", "/moved.ics", status=301)
    server.redirect("/moved.ics", FEED, status=307)
    result = get(server.url("/old.ics"))
    assert result.status == "changed" and result.body == ICS
    assert [(r.path, r.status) for r in server.requests] == [("/old.ics", 301), ("/moved.ics", 307), (FEED, 200)]


@pytest.mark.parametrize("target", ["ftp://calendar.example.com/x.ics", "file:///etc/passwd", "gopher://x:70/"])
def test_redirects_to_other_schemes_are_refused(server: IcsServer, target: str) -> None:
    server.redirect(FEED, target)
    result = get(server.url(FEED))
    assert result.status == "failed" and result.error and "redirected to a" in result.error
    assert "etc/passwd" not in result.error and "x.ics" not in result.error


def test_redirect_loops_stop_after_five(server: IcsServer) -> None:
    server.redirect("/a.ics", "/b.ics")
    server.redirect("/b.ics", "/a.ics")
    result = get(server.url("/a.ics"))
    assert result.status == "failed" and result.error and "more than 5 times" in result.error
    assert len(server.requests) == 6  # the first request and five redirects


def test_redirect_without_location(server: IcsServer) -> None:
    server.fail(FEED, 302)
    result = get(server.url(FEED))
    assert result.status == "failed" and result.error and "302 Found" in result.error


# -- the SSRF guard ---------------------------------------------------------------------------------------------


def test_private_addresses_are_refused_unless_allowed(server: IcsServer) -> None:
    url = server.publish(FEED, ICS)
    refused = fetch_feed(url, timeout_s=FAST)
    assert refused.status == "failed" and refused.permanent
    assert refused.error and refused.error.startswith("the address points to a private network address")
    assert server.requests == []  # refused before any connection
    assert fetch_feed(url, timeout_s=FAST, allow_private=True).status == "changed"


def test_the_guard_applies_to_a_callers_own_client(server: IcsServer) -> None:
    url = server.publish(FEED, ICS)
    with httpx.Client() as client:
        assert fetch_feed(url, client=client, timeout_s=FAST).error == fetch_feed(url, timeout_s=FAST).error
        assert fetch_feed(url, client=client, allow_private=True).body == ICS
    assert len(server.requests) == 1


def pretend_resolver(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> None:
    """Resolve the given host names to the given addresses, as a DNS server would."""
    real = socket.getaddrinfo

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> object:
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (names[host], port))]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_a_public_looking_name_that_resolves_to_a_private_address_is_refused(
        monkeypatch: pytest.MonkeyPatch, server: IcsServer) -> None:
    pretend_resolver(monkeypatch, {"calendar.rebind.example": "10.1.2.3"})
    result = fetch_feed(f"https://calendar.rebind.example{FEED}", timeout_s=FAST)
    assert result.error and result.error.startswith("the address points to a private network address")


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch,
                                                             server: IcsServer) -> None:
    # The name only exists in the checked answer; reaching the server proves httpcore did not look it up again.
    pretend_resolver(monkeypatch, {"feeds.pinned.example": "127.0.0.1"})
    server.publish(FEED, ICS)
    port = server.base_url.rsplit(":", 1)[1]
    result = fetch_feed(f"http://feeds.pinned.example:{port}{FEED}", allow_private=True, timeout_s=2.0)
    assert result.status == "changed" and result.body == ICS


def test_redirects_into_private_networks_are_refused(monkeypatch: pytest.MonkeyPatch, server: IcsServer) -> None:
    # Treat the test server as the public calendar host; it redirects to the cloud metadata address.
    monkeypatch.setattr(fetch, "_is_public", lambda ip: str(ip) == "127.0.0.1")
    server.redirect(FEED, "http://169.254.169.254/latest/meta-data/")
    result = fetch_feed(server.url(FEED), timeout_s=FAST)
    assert result.status == "failed" and result.error
    assert result.error.startswith("the address points to a private network address")
    assert [r.status for r in server.requests] == [302]


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fc00::1",
                                     "::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "ff0e::1"])
def test_non_public_addresses(address: str) -> None:
    import ipaddress

    assert not fetch._is_public(ipaddress.ip_address(address))


def test_public_addresses() -> None:
    import ipaddress

    assert fetch._is_public(ipaddress.ip_address("142.250.180.14"))
    assert fetch._is_public(ipaddress.ip_address("2a00:1450:4009:81f::200e"))


# -- the shared client ------------------------------------------------------------------------------------------


def test_the_module_client_is_created_once_across_threads(server: IcsServer) -> None:
    paths = [f"/cal/{n}/basic.ics" for n in range(16)]
    for path in paths:
        server.publish(path, ICS + path.encode())
    results: dict[str, FetchResult] = {}
    clients: set[int] = set()

    def work(path: str) -> None:
        results[path] = get(server.url(path))
        clients.add(id(fetch._shared_client()))

    threads = [threading.Thread(target=work, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[p].body == ICS + p.encode() for p in paths)
    assert len(clients) == 1


# -- addresses --------------------------------------------------------------------------------------------------

GOOGLE = f"https://calendar.google.com{FEED}"


@pytest.mark.parametrize(("pasted", "expected"), [
    (f"  {GOOGLE}\n", GOOGLE),
    (f"<{GOOGLE}>", GOOGLE),
    (f"<{GOOGLE}|calendar.google.com/calendar/ical/…>", GOOGLE),
    (f"webcal://calendar.google.com{FEED}", GOOGLE),
    (f"WEBCALS://Calendar.Google.com{FEED}", GOOGLE),
    (f"calendar.google.com{FEED}", GOOGLE),
    (f"https://calendar.google.com:443{FEED}#frag", GOOGLE),
    ("<https://outlook.office365.com/owa/calendar/a@b.example/c/calendar.ics?x=1&amp;y=2>",
     "https://outlook.office365.com/owa/calendar/a@b.example/c/calendar.ics?x=1&y=2"),
    ("http://intranet.example:8080/cal.ics", "http://intranet.example:8080/cal.ics"),
])
def test_normalise_accepts_what_people_paste(pasted: str, expected: str) -> None:
    assert normalise_feed_url(pasted) == expected


@pytest.mark.parametrize(("pasted", "says"), [
    ("ftp://calendar.example.com/basic.ics", "not ftp addresses"),
    ("file:///etc/passwd", "not file addresses"),
    ("mailto:maya@agency.example", "not a calendar address"),
    (f"https://maya:{SECRET}@calendar.example.com/basic.ics", "user name or password"),
    (f"https://maya@calendar.example.com/{SECRET}.ics", "user name or password"),
    ("my calendar please", "spaces"),
    ("hello", "doesn't look like a web address"),
    ("", "No calendar address"),
    ("<>", "No calendar address"),
    ("https:///basic.ics", "no host name"),
    ("https://calendar.example.com:99999/basic.ics", "malformed"),
    ("https://calendar.example.com/" + "a" * 2100, "too long"),
])
def test_normalise_refuses_with_a_specific_message(pasted: str, says: str) -> None:
    with pytest.raises(CalendarUrlError) as caught:
        normalise_feed_url(pasted)
    message = str(caught.value)
    assert says in message
    assert SECRET not in message and "etc/passwd" not in message and "maya@" not in message


def test_redact_keeps_only_scheme_host_and_a_short_hash() -> None:
    shown = redact_url(GOOGLE + "?token=abc")
    assert shown.startswith("https://calendar.google.com/…#") and len(shown.rsplit("#", 1)[1]) == 4
    assert SECRET not in shown and "token" not in shown and "ical" not in shown
    assert redact_url(f"webcal://calendar.google.com{FEED}") == redact_url(f"<{GOOGLE}>") == redact_url(GOOGLE)
    assert redact_url(GOOGLE) != redact_url(GOOGLE.replace("5f0c", "5f0d"))
    assert "pw" not in redact_url("https://user:pw@host.example/x") and "user" not in redact_url(
        "https://user:pw@host.example/x")
    assert SECRET not in redact_url(f"not a url {SECRET}")


def test_feed_id_is_stable_across_ways_of_pasting() -> None:
    ids = {feed_id(GOOGLE), feed_id(f"<{GOOGLE}|label>"), feed_id(f"webcal://calendar.google.com{FEED}")}
    assert len(ids) == 1 and len(next(iter(ids))) == 10
    assert feed_id(GOOGLE) != feed_id(GOOGLE.replace("basic", "full"))
    with pytest.raises(CalendarUrlError):
        feed_id("ftp://x.example/y")


# -- backoff ----------------------------------------------------------------------------------------------------


def test_backoff_doubles_from_two_minutes_and_caps_at_six_hours() -> None:
    minutes = [next_attempt_delay(n) / dt.timedelta(minutes=1) for n in range(1, 11)]
    assert minutes == [2, 4, 8, 16, 32, 64, 128, 256, 360, 360]
    assert next_attempt_delay(10_000) == dt.timedelta(hours=6)
    assert next_attempt_delay(0) == dt.timedelta(minutes=2)


def test_permanent_failures_start_at_an_hour() -> None:
    hours = [next_attempt_delay(n, permanent=True) / dt.timedelta(hours=1) for n in range(1, 6)]
    assert hours == [1, 2, 4, 6, 6]


def test_retry_after_is_a_floor_capped_at_a_day() -> None:
    assert next_attempt_delay(1, retry_after_s=90) == dt.timedelta(minutes=2)
    assert next_attempt_delay(1, retry_after_s=600) == dt.timedelta(minutes=10)
    assert next_attempt_delay(1, retry_after_s=10 * 86400) == dt.timedelta(hours=24)
    assert next_attempt_delay(1, retry_after_s=-5) == dt.timedelta(minutes=2)


def test_jitter_spreads_feeds_deterministically_within_ten_percent() -> None:
    delays = [next_attempt_delay(3, jitter_key=f"feed{n}") for n in range(50)]
    assert all(dt.timedelta(minutes=7.2) <= d <= dt.timedelta(minutes=8.8) for d in delays)
    assert len(set(delays)) > 40
    assert next_attempt_delay(3, jitter_key="feed1") == delays[1]
    assert next_attempt_delay(30, jitter_key="feed1") <= dt.timedelta(hours=6)


# -- the secret stays secret ------------------------------------------------------------------------------------


def test_the_address_never_appears_in_errors_or_logs(server: IcsServer, caplog: pytest.LogCaptureFixture,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)  # httpx logs each URL at INFO, httpcore the Location header at DEBUG
    server.publish(FEED, ICS)
    server.redirect("/r" + FEED, FEED)
    server.fail("/gone" + FEED, 404)
    server.fail("/busy" + FEED, 429, headers={"Retry-After": "5"})
    server.publish("/big" + FEED, b"x" * 5000, chunked=True)
    server.publish("/slow" + FEED, ICS)
    server.delay("/slow" + FEED, 1.0)
    server.redirect("/ftp" + FEED, f"ftp://files.example{FEED}")
    results = [
        get(server.url(FEED)),
        get(server.url("/r" + FEED)),
        get(server.url("/gone" + FEED)),
        get(server.url("/busy" + FEED)),
        get(server.url("/big" + FEED), max_bytes=1000),
        get(server.url("/slow" + FEED), timeout_s=FAST),
        get(server.url("/ftp" + FEED)),
        fetch_feed(server.url(FEED)),  # private address refused
        get(f"webcal://127.0.0.1:1{FEED}", timeout_s=FAST),  # refused connection
        fetch_feed(f"https://user:{SECRET}@calendar.example.com/x.ics"),
    ]
    assert [r.status for r in results[:2]] == ["changed", "changed"]
    assert all(r.status == "failed" for r in results[2:])
    for result in results:
        assert_no_secret(result)
    assert any(r.name == "httpx" for r in caplog.records)  # the library did log, redacted
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert any(r.name == "relbot.calendar.fetch" for r in caplog.records)
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in logged and "/calendar/ical" not in logged and "maya%40" not in logged
    assert "http://127.0.0.1:" in logged  # redacted forms are still useful
