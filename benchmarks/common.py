"""What every benchmark shares: Django set up on PostgreSQL and a throwaway database of its own.

``django_on_postgres(db_name, what) -> bool`` sets Django up and says (on stderr) why not when ``DATABASE_URL`` is
not PostgreSQL; ``throwaway_database(db_name)`` creates ``db_name`` on that server for the ``with`` block (as the
test runner does, never touching the database named in ``DATABASE_URL``) and drops it afterwards, also after an
error.
"""

import sys
import warnings
from contextlib import contextmanager


def django_on_postgres(db_name: str, what: str) -> bool:
    """Set Django up; return False (after saying why on stderr) unless the database is PostgreSQL.

    ``what`` names the benchmark in the message ("The grants review benchmark").
    """
    import django

    # The test settings expect collected static files; the pages and exports measured render without them.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings

    if settings.USING_POSTGRES:
        return True
    print(
        f"{what} needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name (a throwaway database named "
        f"{db_name} is created and dropped on that server). SQLite is not measured.",
        file=sys.stderr,
    )
    return False


@contextmanager
def throwaway_database(db_name: str):
    """Create the test database ``db_name`` (replacing a leftover one) for the block; drop it afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = db_name
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        teardown_test_environment()
