"""``manage.py load_demo``: build the portal's demo site from the programme's real content (idempotent).

Writes the five countries, the home page (made the default Site's root), the page tree (about, partners,
funders, DAGs and RCP, countries, contact, platforms, news, campaigns, training materials, publications), the
sub-grant scheme (organisations, calls with their pages, sample applications: :mod:`portal.demo.grants`), the
communities (the RCP and five DAGs with their public pages, fictional members and workspace content:
:mod:`portal.demo.communities`), the footer settings and the main menu; sets up the six locales, synchronises the
page trees and translates the home page, the menu and the community pages into bs, sq, mk, sr-latn and tr; creates
one demo user per role (the DAG coordinator and DAG member logins join DAG North Macedonia); and the events index with
the programme's events, their registrations, minutes and materials (:mod:`portal.demo.events`).

Running it again updates everything in place (pages are matched by slug; unchanged pages get no new revision),
and keeps existing users and their passwords. Generated passwords and TOTP secrets are printed only when
``settings.DEBUG`` is true; ``--reset-passwords`` gives the demo users new ones.
"""

import contextlib
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import (
    campaigns,
    communities,
    events,
    news,
    partners,
    platforms,
    programme,
    publications,
    resources,
    site,
    users,
)
from portal.demo.agreements import ensure_agreements_demo
from portal.demo.builder import build_site, ensure_countries, ensure_footer, ensure_menu
from portal.demo.evaluation import ensure_evaluation_demo
from portal.demo.grants import ensure_demo_applicant, ensure_grants_demo
from portal.demo.translate import translate_home_and_menu

# Loggers that report every page save and background task at INFO; quietened unless --verbosity 2 or more.
# ("celery.app.trace" logs each eager task, e.g. the mail tasks published for the demo's suppressed registration
# mails, which find nothing to send.)
CHATTY_LOGGERS = ["wagtail", "django_tasks", "wagtail_localize", "celery.app.trace"]


@contextlib.contextmanager
def quiet_loggers(names: list[str], quiet: bool):
    """Raise the level of the loggers ``names`` to WARNING while the block runs (when ``quiet``)."""
    saved = {name: logging.getLogger(name).level for name in names}
    if quiet:
        for name in names:
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def page_specs(contact_email: str) -> list[dict]:
    """The page tree under the home page, in menu order (each a spec for :func:`build_site`)."""
    return [
        programme.ABOUT,
        partners.PARTNERS,
        programme.FUNDERS,
        programme.DAGS,
        partners.COUNTRIES_PAGE,
        platforms.INDEX,
        news.INDEX,
        campaigns.INDEX,
        resources.INDEX,
        publications.INDEX,
        programme.contact_page(contact_email),
    ]


class Command(BaseCommand):
    help = "Load (or update) the demo content, translations and demo users. Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo user a new random password (and staff a new TOTP secret).",
        )
        parser.add_argument(
            "--skip-translations", action="store_true", help="Do not set up locales or translate (faster)."
        )

    def handle(self, *args, **options):
        with quiet_loggers(CHATTY_LOGGERS, quiet=options["verbosity"] < 2):
            self._load(reset_passwords=options["reset_passwords"], skip_translations=options["skip_translations"])

    def _load(self, reset_passwords: bool, skip_translations: bool):
        started = time.monotonic()
        contact_email = settings.PORTAL_CONTACT_EMAIL
        with transaction.atomic():
            result = build_site(programme.HOME, page_specs(contact_email))
            home = result.pages[programme.HOME["slug"]]
            default_site = home.sites_rooted_here.get(is_default_site=True)
            ensure_footer(default_site, {**site.FOOTER, "contact_email": contact_email})
            grants = ensure_grants_demo(home, ensure_countries())
            result.pages[grants.index.slug] = grants.index
            community_pages = communities.ensure_communities(home, ensure_countries())
            result.pages[community_pages.index.slug] = community_pages.index
            event_pages = events.ensure_events(home)
            result.pages[event_pages.index.slug] = event_pages.index
            menu = ensure_menu(site.MENU_TITLE, site.MENU_ITEMS, result.pages)
        self.stdout.write(
            f"Pages: {len(result.created)} created, {len(result.updated)} updated, {len(result.unchanged)} unchanged."
        )
        self.stdout.write(
            f"Sub-grants: {grants.organisations} organisations, {grants.calls} calls, "
            f"{grants.applications_created} sample applications created in this run."
        )

        if not skip_translations:
            languages = translate_home_and_menu(home, menu)
            self.stdout.write(f"Translated the home page and the main menu into: {', '.join(languages)}.")
            changed = bool(community_pages.created or community_pages.updated)
            written = communities.translate_community_pages(community_pages.index, force=changed)
            self.stdout.write(f"Community pages: {written} translations written in this run.")

        credentials = users.ensure_demo_users(reset_passwords=reset_passwords)
        self.stdout.write(f"Demo users: {len(users.ROLES)} ({len(credentials)} given new secrets in this run).")
        applicant_organisation = ensure_demo_applicant()
        if applicant_organisation:
            self.stdout.write(f"The demo applicant is an administrator of {applicant_organisation} (demo data).")
        with transaction.atomic():
            evaluation = ensure_evaluation_demo(ensure_countries())
            agreements = ensure_agreements_demo()
        self.stdout.write(
            f"Evaluation: {evaluation['applications_created']} more applications created in this run; "
            f"{evaluation['reviews']} submitted reviews and {evaluation['awards']} awards in the demo."
        )
        self.stdout.write(
            f"Grant agreements: {agreements['agreements_created']} created in this run; {agreements['agreements']} "
            f"in the demo, {agreements['completed']} completed."
        )
        with transaction.atomic():
            community = communities.ensure_community_content()
        self.stdout.write(
            f"Communities: {community.communities} communities ({community_pages.created} pages created, "
            f"{community_pages.updated} updated in this run), {community.memberships} memberships, "
            f"{community.documents} documents, {community.consultations} consultations, "
            f"{community.exchanges} bilateral exchange(s)."
        )
        with transaction.atomic():
            activity = events.ensure_event_activity()
        self.stdout.write(
            f"Events: {event_pages.created} pages created (index included), {event_pages.updated} updated in this run; "
            f"{activity.registered} registrations made in this run ({activity.registrations} in the demo, "
            f"{activity.waitlisted} on a waitlist); {activity.minutes_created} minutes and "
            f"{activity.materials_created} materials added."
        )
        if credentials:
            self._report_credentials(credentials)
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded in {time.monotonic() - started:.1f} s."))

    def _report_credentials(self, credentials):
        """Print new passwords and TOTP secrets, but only in DEBUG (development); never in other settings."""
        if not settings.DEBUG:
            self.stdout.write(
                "New demo passwords were generated but are not shown because DEBUG is off. "
                "Use the password reset page, or run load_demo --reset-passwords with DEBUG=True."
            )
            return
        self.stdout.write(self.style.WARNING("Demo credentials (development only, shown once):"))
        for credential in credentials:
            line = f"  {credential.role:<16} {credential.email:<36}"
            if credential.password:
                line += f" password: {credential.password}"
            if credential.totp_secret:
                line += f"  TOTP secret (base32): {credential.totp_secret}"
            self.stdout.write(line)
