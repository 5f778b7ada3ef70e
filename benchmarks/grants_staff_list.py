"""Benchmark: the staff applications list in the Wagtail admin with 5,000 applications on PostgreSQL.

Creates a throwaway database (``iw_bench``, dropped at the end, also after an error) with the demo calls of
:mod:`portal.demo.grants` (six calls, 17 lots), 250 organisations in the five countries and ``APPLICATIONS``
submitted applications with three budget lines each; then requests the list as a staff user with TOTP (the admin's
two-factor rule is satisfied, as in ``tests/conftest.py``'s ``staff_client``) through Django's test client:
the first page, a call filter, a call + country + status filter and a search. For each it prints the median and
95th-percentile wall time in milliseconds over ``RUNS`` requests (after ``WARMUP`` unmeasured ones), the number of
SQL queries of one request and the number of matching rows. ``BENCH_DEBUG=1`` also prints every timing.

Environment: ``DATABASE_URL`` must point at PostgreSQL (the server is used; the named database is not touched).
``BENCH_APPLICATIONS`` (default 5000) and ``BENCH_RUNS`` (default 30) override the sizes.
"""

import gc
import os
import statistics
import time
from decimal import Decimal

from benchmarks.common import django_on_postgres, throwaway_database

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "5000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
WARMUP = 3

BENCH_DB = "iw_bench"


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile of ``values`` by the nearest-rank method."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def build_data(n_applications: int):
    """Write the calls, organisations, applications and budget lines; return ``(staff_user, calls)``."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from community.models import Organisation
    from grants.models import Application, BudgetLine
    from portal.demo.builder import ensure_countries
    from portal.demo.grants import ensure_mk_2025_call, ensure_open_calls

    countries = ensure_countries()
    calls = [ensure_mk_2025_call(countries), *ensure_open_calls(countries)]
    rules = {call.pk: call.current_rules() for call in calls}
    lots = [(call, lot) for call in calls for lot in call.lots.all()]
    codes = list(countries)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            legal_name=f"Benchmark organisation {n:03d}",
            country=countries[codes[n % len(codes)]],
            registration_number=f"BENCH-{n:04d}",
            year_registered=2010 + n % 12,
            annual_budget_eur=Decimal(10000 + 150 * n),
        )
        for n in range(250)
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        (
            Application(
                call=lots[n % len(lots)][0],
                lot=lots[n % len(lots)][1],
                rules_version=rules[lots[n % len(lots)][0].pk],
                organisation=organisations[n % len(organisations)],
                status="submitted",
                reference=f"IW-BN-2026-{n:05d}",
                title=f"Project {n}: following public money in municipality {n % 97}",
                summary="Benchmark application.",
                duration_months=6,
                requested_amount_eur=Decimal("6000.00"),
                submitted_at=now,
            )
            for n in range(n_applications)
        ),
        batch_size=1000,
    )
    BudgetLine.objects.bulk_create(
        (
            BudgetLine(
                application=application,
                category=category,
                description=description,
                unit="unit",
                quantity=Decimal("2"),
                unit_cost_eur=Decimal("1000.00"),
                total_eur=Decimal("2000.00"),
                sort_order=order,
            )
            for application in applications
            for order, (category, description) in enumerate(
                [("staff", "Coordinator"), ("events", "Debates"), ("communication", "Publication")]
            )
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = get_user_model().objects.create_user(
        email="bench-staff@example.org", password=None, is_staff=True, is_superuser=True
    )
    TOTP.activate(user, generate_totp_secret())
    return user, calls


def measure(client, url: str) -> dict:
    """Time ``RUNS`` GETs of ``url`` (after ``WARMUP``); count the queries of one; return the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    rows = response.context["paginator"].count if response.context and "paginator" in response.context else "?"
    if os.environ.get("BENCH_DEBUG"):
        print("   ", [round(t) for t in timings])
    return {
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": len(queries),
        "rows": rows,
    }


def main() -> int:
    if not django_on_postgres(BENCH_DB, "The grants staff-list benchmark"):
        return 2
    from django.test import Client
    from django.urls import reverse

    with throwaway_database(BENCH_DB):
        started = time.perf_counter()
        user, calls = build_data(APPLICATIONS)
        print(f"Built {APPLICATIONS} applications in {time.perf_counter() - started:.1f} s (database {BENCH_DB}).")
        client = Client()
        client.force_login(user)
        # Move what setup left in memory out of the garbage collector's view (as a forked web worker would have
        # it): otherwise a full collection every ~10 requests walks it and adds ~160 ms to those requests.
        gc.collect()
        gc.freeze()
        index = reverse("grants_applications:index")
        mk = next(call for call in calls if call.code == "mk-2025")
        rs = next(call for call in calls if call.country.code == "RS")
        scenarios = [
            ("first page", index),
            ("filtered by call", f"{index}?call={mk.pk}"),
            ("call + country + status", f"{index}?call={rs.pk}&country={rs.country.pk}&status=submitted"),
            ("search", f"{index}?q=municipality+42"),
            ("page 50", f"{index}?p=50"),
        ]
        print(f"Staff applications list, {RUNS} runs each (ms):")
        print(f"  {'scenario':<26}{'median':>9}{'p95':>9}{'queries':>9}{'rows':>7}")
        for label, url in scenarios:
            result = measure(client, url)
            print(
                f"  {label:<26}{result['median']:>9.1f}{result['p95']:>9.1f}{result['queries']:>9}{result['rows']:>7}"
            )
    return 0
