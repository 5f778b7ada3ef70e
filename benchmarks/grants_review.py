"""Benchmark: ranking and exports of a call with 10,000 scored applications on PostgreSQL (issue 4, Performance).

Creates a throwaway database (``iw_bench_review``, dropped at the end, also after an error) with one call of the
demo rules (:func:`portal.demo.grants.ensure_mk_2025_call`), 2,500 organisations and ``APPLICATIONS`` submitted
applications with scores, two budget lines each and awards for one in ten (bulk inserts); then times, ``RUNS``
times each (after one unmeasured run):

* the ranking: :func:`grants.ranking.ranking_for_call` (ranked rows per lot with running totals, decisions and
  integrity flags), fully evaluated;
* the integrity checks of the call (:func:`grants.integrity.flags_for_call`);
* the staff CSV and XLSX exports (:func:`grants.exports.call_export` through :mod:`portal.exports`), the response
  body read to the end as a client would.

For each it prints the median wall time in milliseconds, the peak of memory allocated by Python during one run
(``tracemalloc``) and the process's maximum resident set size afterwards (``resource.getrusage``), the SQL query
count of one run and the size of the result. ``BENCH_APPLICATIONS`` (default 10000) and ``BENCH_RUNS`` (default 3)
override the sizes. ``DATABASE_URL`` must point at PostgreSQL; the named database is not touched.
"""

import gc
import os
import random
import resource
import statistics
import time
import tracemalloc
from decimal import Decimal

from benchmarks.common import django_on_postgres, throwaway_database

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))

BENCH_DB = "iw_bench_review"

WORDS = (
    "procurement municipality contracts asset declarations audit budget transparency councillors journalists "
    "scorecard volunteers data portal lobbying register conflicts interest hearings monitoring elections "
    "campaign finance donations reports citizens youth network training debate publication followup"
).split()


def proposal_text(n: int) -> str:
    """A 60-word proposal text of words drawn at random (seeded) for each application; every 50th application
    (51, 101, ...) copies the one before it, so the near-duplicate check has 1 in 50 to find."""
    seed = n - 1 if n % 50 == 1 else n
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(60))


def build_data(n_applications: int):
    """Write the call, organisations, applications, budget lines and decisions; return the call."""
    from django.db import connection
    from django.utils import timezone

    from community.models import Organisation
    from grants.models import Application, BudgetLine, Decision, ReferenceUnitCost
    from portal.demo.builder import ensure_countries
    from portal.demo.grants import ensure_mk_2025_call

    countries = ensure_countries()
    call = ensure_mk_2025_call(countries)
    ReferenceUnitCost.objects.create(call=call, category="staff", unit="day", max_unit_cost_eur=Decimal("150.00"))
    rules = call.current_rules()
    lots = list(call.lots.all())
    codes = list(countries)
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                legal_name=f"Review benchmark organisation {n:04d}",
                country=countries[codes[n % len(codes)]],
                registration_number=f"RB-{n:05d}",
                website=f"https://cso{n}.example.net",
            )
            for n in range(2500)
        ),
        batch_size=1000,
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        (
            Application(
                call=call,
                lot=lots[n % len(lots)],
                rules_version=rules,
                organisation=organisations[n % len(organisations)],
                status="under_review",
                reference=f"IW-RB-2026-{n:05d}",
                title=f"Project {n}: following public money in municipality {n % 97}",
                summary=proposal_text(n),
                duration_months=6,
                requested_amount_eur=Decimal(4000 + (n * 37) % 8000),
                submitted_at=now,
                score=Decimal((n * 7919) % 10000) / 100,
                score_spread=Decimal(n % 25),
                submitted_review_count=2,
                score_flags=["spread"] if n % 25 > 20 else [],
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
                unit=unit,
                quantity=Decimal("10"),
                unit_cost_eur=cost,
                total_eur=cost * 10,
                sort_order=order,
            )
            for index, application in enumerate(applications)
            for order, (category, description, unit, cost) in enumerate(
                [
                    ("staff", "Trainer", "day", Decimal("180.00") if index % 10 == 0 else Decimal("140.00")),
                    ("events", "Public debate", "event", Decimal("300.00")),
                ]
            )
        ),
        batch_size=2000,
    )
    Decision.objects.bulk_create(
        (
            Decision(application=application, outcome="award", amount_eur=Decimal("5000.00"), reason="Benchmark.")
            for application in applications[::10]
        ),
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return call


def ranking_runner(call):
    """A function evaluating the ranking of ``call`` (:func:`grants.ranking.ranking_for_call`, which also runs the
    integrity checks for its column) and returning the number of ranked rows, and the name of what it times."""
    from grants.ranking import ranking_for_call

    def run():
        return sum(len(lot.rows) for lot in ranking_for_call(call))

    return run, "grants.ranking.ranking_for_call"


def export_runner(call, fmt: str):
    from grants.exports import call_export
    from portal.exports import stream_csv, xlsx_response

    def run():
        headers, rows = call_export(call)
        response = (xlsx_response if fmt == "xlsx" else stream_csv)(f"bench.{fmt}", headers, rows)
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return f"{size / 1024:.0f} KiB"

    return run


def integrity_runner(call):
    from grants.integrity import flags_for_call

    def run():
        return f"{sum(len(flags) for flags in flags_for_call(call).values())} flags"

    return run


def measure(run) -> dict:
    """Median wall time (ms) over ``RUNS`` runs after one warm-up; peak traced memory, max RSS, queries, result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()
    timings = []
    for _ in range(RUNS):
        gc.collect()
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    gc.collect()
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        result = run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "median": statistics.median(timings),
        "peak": peak / 1024 / 1024,
        "rss": rss_kib / 1024,
        "queries": len(queries),
        "result": result,
    }


def main() -> int:
    if not django_on_postgres(BENCH_DB, "The grants review benchmark"):
        return 2

    with throwaway_database(BENCH_DB):
        started = time.perf_counter()
        call = build_data(APPLICATIONS)
        print(
            f"Built {APPLICATIONS} scored applications in {time.perf_counter() - started:.1f} s (database {BENCH_DB})."
        )
        gc.collect()
        gc.freeze()
        ranking, ranking_name = ranking_runner(call)
        scenarios = [
            (f"ranking ({ranking_name})", ranking),
            ("integrity checks", integrity_runner(call)),
            ("CSV export", export_runner(call, "csv")),
            ("XLSX export", export_runner(call, "xlsx")),
        ]
        print(f"Review, ranking and exports of one call, {RUNS} runs each after a warm-up:")
        print(f"  {'scenario':<62}{'median ms':>10}{'peak MiB':>10}{'maxRSS MiB':>11}{'queries':>8}  result")
        for label, run in scenarios:
            r = measure(run)
            print(
                f"  {label:<62}{r['median']:>10.0f}{r['peak']:>10.1f}{r['rss']:>11.0f}{r['queries']:>8}  {r['result']}"
            )
    return 0
