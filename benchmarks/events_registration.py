"""Benchmark: 200 people register for one event at the same moment, over HTTP, against a running server on
PostgreSQL (issue 7, Performance).

Creates a throwaway database (``iw_bench_events``, dropped at the end, also after an error) with a home page, an
events index and one public event with ``SEATS`` seats (default 150), and ``USERS`` people (default 200), each
signed in with a session of their own (written with Django's session store as ``Client.force_login`` does) and a
CSRF cookie. Then it starts gunicorn (``BENCH_WORKERS`` processes × ``BENCH_THREADS`` threads, default 4 × 8) on a
free local port against that database, waits until it answers, and releases ``USERS`` threads at once, each sending
the POST a browser's "Register" button sends to the event's ``register/`` route (form field
``csrfmiddlewaretoken`` and the answers). Each request is timed from sending to the end of the response. Before the
burst, ten of them register one at a time for a second event, for the uncontended latency.

It prints the throughput (registrations per second over the burst, from the release to the last response), the
50th and 95th percentile and the slowest latency in milliseconds, the response statuses, and then checks in the
database that exactly ``SEATS`` registrations are confirmed and the others waitlisted, one per person. The exit
status is 1 when that check fails or a request was refused. The client threads run on the same machine as the
server and share its CPUs: the figures are a floor, not a capacity plan.

Environment: ``DATABASE_URL`` must point at PostgreSQL (the server is used; the named database is not touched).
``BENCH_SEATS``, ``BENCH_USERS``, ``BENCH_WORKERS`` and ``BENCH_THREADS`` change the sizes; ``BENCH_DEBUG=1`` keeps
gunicorn's log on the terminal.
"""

from __future__ import annotations

import http.client
import logging
import math
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from benchmarks.common import django_on_postgres, throwaway_database

SEATS = int(os.environ.get("BENCH_SEATS", "150"))
USERS = int(os.environ.get("BENCH_USERS", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
DEBUG = bool(os.environ.get("BENCH_DEBUG"))
#: How many people first register one at a time, for another event (the uncontended latency).
BASELINE = 10

BENCH_DB = "iw_bench_events"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 90
REQUEST_TIMEOUT = 120


# --- summary (pure, tested in tests/events/test_benchmark_summary.py) ------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile of ``values`` by the nearest-rank method. Raises ``ValueError`` when
    ``values`` is empty."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = math.ceil(round(fraction * len(ordered), 9))  # rounded first: 0.95 * 20 is 19.000000000000004
    return ordered[min(max(rank, 1), len(ordered)) - 1]


@dataclass(frozen=True)
class Summary:
    """What a burst of requests gave: ``requests`` sent, ``ok`` answered as expected, ``throughput`` (``ok`` per
    second of ``seconds``, the wall time of the burst), latencies in milliseconds (``p50``, ``p95``, ``slowest``)
    and the count of each HTTP status (0 = no answer)."""

    requests: int
    ok: int
    seconds: float
    throughput: float
    p50: float
    p95: float
    slowest: float
    statuses: dict[int, int]


def summarise(results: list[tuple[int, float, bool]], seconds: float) -> Summary:
    """Summarise ``results`` (``(status, latency_ms, ok)`` per request) of a burst that took ``seconds`` (> 0) of
    wall time. Raises ``ValueError`` for no results or a non-positive duration."""
    if not results:
        raise ValueError("no results")
    if seconds <= 0:
        raise ValueError("the burst must take some time")
    latencies = [latency for _status, latency, _ok in results]
    statuses: dict[int, int] = {}
    for status, _latency, _ok in results:
        statuses[status] = statuses.get(status, 0) + 1
    ok = sum(1 for _status, _latency, good in results if good)
    return Summary(
        requests=len(results),
        ok=ok,
        seconds=seconds,
        throughput=ok / seconds,
        p50=percentile(latencies, 0.50),
        p95=percentile(latencies, 0.95),
        slowest=max(latencies),
        statuses=dict(sorted(statuses.items())),
    )


def format_summary(summary: Summary) -> list[str]:
    """The lines the benchmark prints for ``summary``."""
    statuses = ", ".join(f"{status or 'no answer'}: {count}" for status, count in summary.statuses.items())
    return [
        f"  requests          {summary.requests} ({summary.ok} registered as expected; statuses {statuses})",
        f"  burst             {summary.seconds * 1000:.0f} ms",
        f"  throughput        {summary.throughput:.1f} registrations/s",
        f"  latency p50       {summary.p50:.0f} ms",
        f"  latency p95       {summary.p95:.0f} ms",
        f"  latency slowest   {summary.slowest:.0f} ms",
    ]


# --- data ----------------------------------------------------------------------------------------------------------


@dataclass
class Person:
    user_id: int
    session_key: str
    csrf_secret: str


def build_data(seats: int, users: int):
    """Write the home page, the events index, one public event with ``seats`` seats, a second one without a limit
    (for the one-at-a-time baseline) and ``users`` people with a signed-in session each; return
    ``(event, baseline_event, people)``."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from events.models import EventIndexPage, EventPage
    from portal.accounts.canonical import canonical_email
    from portal.demo import programme
    from portal.demo.builder import build_site

    home = build_site(programme.HOME, []).pages[programme.HOME["slug"]]
    index = home.add_child(instance=EventIndexPage(title="Events", slug="events", locale=home.locale))
    starts = (timezone.now() + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    event = index.add_child(
        instance=EventPage(
            title="Registration benchmark",
            slug="registration-benchmark",
            locale=home.locale,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            timezone="Europe/Belgrade",
            city="Belgrade",
            capacity=seats,
            summary="An event for the registration benchmark.",
        )
    )
    event.save_revision().publish()
    baseline = index.add_child(
        instance=EventPage(
            title="Registration benchmark: one at a time",
            slug="registration-benchmark-baseline",
            locale=home.locale,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            timezone="Europe/Belgrade",
            city="Belgrade",
            capacity=None,
        )
    )
    baseline.save_revision().publish()

    User = get_user_model()
    unusable = make_password(None)
    emails = [f"bench-{n:04d}@bench.example.org" for n in range(users)]
    created = User.objects.bulk_create(
        # bulk_create skips User.save(), which fills the canonical address (unique): set it the same way.
        User(email=email, email_canonical=canonical_email(email), first_name="Bench", last_name=f"Person {n}",
             password=unusable)
        for n, email in enumerate(emails)
    )  # fmt: skip
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[0]
    people = []
    for user in User.objects.filter(pk__in=[u.pk for u in created]).order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        people.append(Person(user.pk, session.session_key, csrf))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return EventPage.objects.get(pk=event.pk), EventPage.objects.get(pk=baseline.pk), people


# --- the server ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for(name: str) -> str:
    """``DATABASE_URL`` with its database name replaced by ``name`` (the throwaway database)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def start_server(database: str, port: int) -> subprocess.Popen:
    """Start gunicorn with the project's WSGI application against ``database`` on ``port``."""
    env = {**os.environ, "DATABASE_URL": database_url_for(database)}
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread",
        "--timeout", str(REQUEST_TIMEOUT), "--backlog", "2048",
        "--log-level", "info" if DEBUG else "warning",
    ]  # fmt: skip
    output = None if DEBUG else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=output)  # noqa: S603


def wait_until_up(port: int, process: subprocess.Popen, paths: list[str]) -> None:
    """Wait until the server answers GET "/" (then warm every worker with ``paths``); raise ``RuntimeError`` when
    it exits or does not answer within :data:`STARTUP_SECONDS`."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode} (BENCH_DEBUG=1 shows its log)")
        try:
            request("GET", port, "/")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer on port {port} within {STARTUP_SECONDS} s") from None
            time.sleep(0.25)
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        list(pool.map(lambda path: request("GET", port, path), paths * WORKERS * 2))


def request(method: str, port: int, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, str]:
    """Send one request to 127.0.0.1:``port``; return ``(status, Location header)`` after reading the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


# --- the burst -----------------------------------------------------------------------------------------------------


def post_registration(port: int, path: str, person: Person) -> tuple[int, float, bool]:
    """POST the registration form of ``path`` (an event's ``register/`` route) as ``person``; return ``(status,
    latency_ms, ok)``, ok meaning redirected back to the event page as after a registration."""
    from django.conf import settings

    body = urlencode({"csrfmiddlewaretoken": person.csrf_secret, "organisation": "Benchmark organisation"})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={person.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={person.csrf_secret}",
    }
    started = time.perf_counter()
    try:
        status, location = request("POST", port, path, body.encode(), headers)
    except OSError:
        status, location = 0, ""
    latency = (time.perf_counter() - started) * 1000
    return status, latency, status == 302 and urlsplit(location).path == path.removesuffix("register/")


def register_one_at_a_time(port: int, path: str, people: list[Person]) -> list[tuple[int, float, bool]]:
    """POST ``path`` for each of ``people`` in turn (the uncontended baseline)."""
    return [post_registration(port, path, person) for person in people]


def register_all(port: int, path: str, people: list[Person]) -> tuple[list[tuple[int, float, bool]], float]:
    """POST ``path`` once per person, all released at the same moment; return ``(results, seconds)``, where each
    result is ``(status, latency_ms, ok)`` (ok: redirected back to the event page, as after a registration) and
    ``seconds`` is the wall time from the release to the last response."""
    barrier = threading.Barrier(len(people) + 1)

    def one(person: Person) -> tuple[int, float, bool]:
        barrier.wait()
        return post_registration(port, path, person)

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        futures = [pool.submit(one, person) for person in people]
        barrier.wait()
        started = time.perf_counter()
        results = [future.result() for future in futures]
        seconds = time.perf_counter() - started
    return results, seconds


def verify(event, people: list[Person], seats: int) -> list[str]:
    """Check the registrations in the database; return the problems found (none when all is well)."""
    from django.db import connection

    from events.models import Registration

    connection.close()  # the server wrote them; read afresh
    rows = list(Registration.objects.filter(event=event).order_by("queued_at", "pk"))
    problems = []
    confirmed = [r for r in rows if r.status == "confirmed"]
    waitlisted = [r for r in rows if r.status == "waitlisted"]
    expected_confirmed = min(seats, len(people))
    if len(rows) != len(people) or len({r.user_id for r in rows}) != len(rows):
        problems.append(f"{len(rows)} registrations for {len(people)} people")
    if len(confirmed) != expected_confirmed:
        problems.append(f"{len(confirmed)} confirmed, expected exactly {expected_confirmed}")
    if len(waitlisted) != len(people) - expected_confirmed:
        problems.append(f"{len(waitlisted)} waitlisted, expected {len(people) - expected_confirmed}")
    return problems


def main() -> int:
    if not django_on_postgres(BENCH_DB, "The events registration benchmark"):
        return 2
    from django.db import connection

    for name in ("wagtail", "django_tasks"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with throwaway_database(BENCH_DB):
        started = time.perf_counter()
        event, baseline, people = build_data(SEATS, USERS)
        page_path = urlsplit(event.get_url()).path
        baseline_path = urlsplit(baseline.get_url()).path
        built = time.perf_counter() - started
        print(
            f"Built an event with {SEATS} seats, another without a limit and {USERS} signed-in people in {built:.1f} s "
            f"(database {BENCH_DB})."
        )
        database = connection.settings_dict["NAME"]
        connection.close()
        port = free_port()
        server = start_server(database, port)
        try:
            wait_until_up(port, server, [page_path])
            print(f"gunicorn on 127.0.0.1:{port}, {WORKERS} workers × {THREADS} threads.")
            single = register_one_at_a_time(port, f"{baseline_path}register/", people[:BASELINE])
            print(
                f"One at a time ({BASELINE} registrations for another event): median "
                f"{statistics.median(latency for _status, latency, _ok in single):.0f} ms."
            )
            print(f"{USERS} POSTs at once to {page_path}register/:")
            results, seconds = register_all(port, f"{page_path}register/", people)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        summary = summarise(results, seconds)
        for line in format_summary(summary):
            print(line)
        problems = verify(event, people, SEATS)
        confirmed = min(SEATS, USERS)
        if problems:
            print("  check             FAILED: " + "; ".join(problems))
        else:
            print(f"  check             {confirmed} confirmed, {USERS - confirmed} waitlisted, one per person: ok")
        connection.close()
    refused = [status for status, _latency, ok in single if not ok]
    if refused:
        print(f"  the one-at-a-time registrations were refused: statuses {refused}")
    return 0 if not (problems or refused) and summary.ok == summary.requests else 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    sys.exit(main())
