"""``python -m benchmarks [name ...]`` (``make bench``): run the benchmarks, all of them when no name is given.

Benchmarks need PostgreSQL (``DATABASE_URL=postgres://…``); each creates and drops its own throwaway database and
never touches the database named in ``DATABASE_URL``. Settings default to ``portal.settings.test``.
"""

import importlib
import os
import sys

BENCHMARKS = {
    "grants_staff_list": "benchmarks.grants_staff_list",
    "grants_review": "benchmarks.grants_review",
    "events_registration": "benchmarks.events_registration",
}


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        status = importlib.import_module(BENCHMARKS[name]).main() or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
