"""Shared pytest configuration: service markers that skip with a reason, or fail when REQUIRE_SERVICES=1."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium")


def _service_problems(item) -> list[str]:
    problems = []
    if item.get_closest_marker("postgres") and not settings.USING_POSTGRES:
        problems.append("needs PostgreSQL: set DATABASE_URL=postgres://… (CI's .ci/run does)")
    if item.get_closest_marker("redis") and not _redis_reachable():
        problems.append("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 with a running server")
    if item.get_closest_marker("browser") and not _browser_available():
        problems.append("needs the playwright package and Debian's /usr/bin/chromium")
    return problems


def pytest_runtest_setup(item):
    problems = _service_problems(item)
    if not problems:
        return
    reason = "; ".join(problems)
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)
