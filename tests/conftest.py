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


@pytest.fixture(autouse=True)
def _reset_active_language():
    """Deactivate the language a test left active (a request under /mk/ activates Macedonian for the thread).

    Without this, a later test rendering a template outside a request (e.g. the 500 page) would speak whatever
    language the previous test in the same process happened to use.
    """
    yield
    from django.utils import translation

    translation.deactivate()


# --- Users and clients ---------------------------------------------------------------------------------------------
# Staff must have TOTP (portal.accounts.middleware.StaffMFAMiddleware, PORTAL_REQUIRE_STAFF_MFA): without it every
# admin page redirects to the TOTP set-up. These fixtures give staff an authenticator, so admin tests of every app
# log in through them instead of building their own staff users.


@pytest.fixture
def admin_user(db):
    """A superuser (``admin@example.org``, verified address, active TOTP); overrides pytest-django's ``admin_user``.

    pytest-django's ``admin_client`` logs this user in, so ``admin_client`` reaches the Wagtail admin.
    """
    from tests.portal.factories_accounts import StaffFactory

    return StaffFactory(email="admin@example.org", totp=True)


@pytest.fixture
def staff_user(db):
    """A staff user (``is_staff``, not a superuser) with active TOTP and only ``wagtailadmin.access_admin``.

    Tests add the model permissions they need: ``staff_user.user_permissions.add(...)`` or a group.
    """
    from django.contrib.auth.models import Permission

    from tests.portal.factories_accounts import StaffFactory

    user = StaffFactory(is_superuser=False, totp=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    return user


@pytest.fixture
def staff_client(client, staff_user):
    """The test ``client`` logged in as :func:`staff_user`."""
    client.force_login(staff_user)
    return client


@pytest.fixture
def on_commit_per_request(monkeypatch):
    """Make every test-client request run the ``transaction.on_commit`` callbacks it registered when it returns.

    A test runs inside one transaction that is rolled back, so callbacks registered with ``on_commit`` (the outbox
    sends mail that way, allauth's mail included) never run; in production each request commits when it ends and
    they run then. With this fixture a request behaves like that: its callbacks run (and are dropped from the
    connection, so an enclosing ``django_capture_on_commit_callbacks`` does not run them twice) before the response
    is returned, and ``django.core.mail.outbox`` holds the mail the request sent. Callbacks a test registers outside
    a request are left alone. Use it per module: ``pytestmark = pytest.mark.usefixtures("on_commit_per_request")``.
    """
    import logging

    from django.db import DEFAULT_DB_ALIAS, connections
    from django.test.client import Client

    original = Client.request
    logger = logging.getLogger(__name__)

    def request(self, **kwargs):
        connection = connections[DEFAULT_DB_ALIAS]
        start = len(connection.run_on_commit)
        response = original(self, **kwargs)
        while len(connection.run_on_commit) > start:
            pending = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _savepoints, callback, robust in pending:
                if not robust:
                    callback()
                    continue
                try:
                    callback()
                except Exception:
                    logger.exception("Error calling %s in on_commit()", callback)
        return response

    monkeypatch.setattr(Client, "request", request)
