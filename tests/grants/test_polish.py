"""Regressions of the fresh-user walk of the sub-grants feature: plural messages instead of "organisation(s)",
one time format (the call pages') on every application page and mail, and a staff inspect view without "None"."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from grants.models import Application
from grants.services import submission
from grants.services.submission import check_submission, submit_application, withdraw_application
from grants.templatetags import application_tags
from grants.templatetags.call_tags import format_in_zone
from portal.notifications.models import OutboxMessage
from tests.community.factories import OrganisationFactory
from tests.grants.factories import open_call
from tests.grants.test_submission import make_application
from tests.portal.factories import CountryFactory

pytestmark = pytest.mark.django_db

SKOPJE = ZoneInfo("Europe/Skopje")
DEADLINE = datetime.datetime(2025, 7, 16, 16, 0, tzinfo=SKOPJE)
NOW = datetime.datetime(2025, 7, 10, 10, 0, tzinfo=SKOPJE)
DEADLINE_TEXT = "16 July 2025, 16:00 (Europe/Skopje, CEST)"
NOW_TEXT = "10 July 2025, 10:00 (Europe/Skopje, CEST)"
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def skopje_call():
    return open_call(opens_at=DEADLINE - datetime.timedelta(days=30), closes_at=DEADLINE, timezone="Europe/Skopje")


def partner_message(application):
    return {(p.section, p.field): p.message for p in check_submission(application)}[("partners", "partners")]


# --- 1. plurals -------------------------------------------------------------------------------------------------


def test_partner_checklist_reads_as_a_sentence_for_zero_and_one(clock):
    application, _user = make_application("C", call=skopje_call(), partners=[])

    assert partner_message(application) == (
        "Lot C is cross-border: it needs at least 1 partner organisation from at least 1 country other than the "
        "lead applicant's. You have 0 partner organisations from 0 other countries."
    )


def test_partner_checklist_uses_the_plural_forms_of_the_numbers(clock):
    call = skopje_call()
    call.lots.filter(code="C").update(min_partners=3, min_partner_countries=2)
    serbia = OrganisationFactory(country=CountryFactory(code="RS"))
    application, _user = make_application("C", call=call, partners=[serbia])

    message = partner_message(application)

    assert "needs at least 3 partner organisations from at least 2 countries other than" in message
    assert message.endswith("You have 1 partner organisation from 1 other country.")


def test_partner_checklist_is_translated_with_plural_forms(clock):
    application, _user = make_application("C", call=skopje_call(), partners=[])

    english = partner_message(application)
    for language in ("bs", "mk", "sq", "sr-latn", "tr"):
        with translation.override(language):
            message = partner_message(application)
        assert message != english, language
        for piece in ("cross-border", "at least", "other than", "You have", "other countries"):
            assert piece not in message, (language, piece)  # every piece translated, not only some
        assert "(s)" not in message and "(ies)" not in message and "%(" not in message, language


def test_no_organisation_s_or_country_ies_left_in_user_facing_text():
    """Messages count with ngettext / blocktranslate count, never with "(s)" or "(ies)"."""
    pattern = re.compile(r"[a-z]\((s|ies|es)\)", re.IGNORECASE)
    offenders = []
    for folder in ("grants", "community", "templates/grants", "templates/community", "templates/notifications"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(path.read_text())]
    assert offenders == []


def test_partners_form_help_agrees_with_both_numbers(client, clock):
    call = skopje_call()
    call.lots.filter(code="C").update(min_partners=2, min_partner_countries=1)
    application, user = make_application("C", call=call)
    client.force_login(user)

    html = client.get(reverse("grants:application_edit", args=[application.pk])).content.decode()

    assert "Needs at least 2 partner organisations from at least 1 programme country other than" in html
    assert "1 other countries" not in html


# --- 2. one time format -----------------------------------------------------------------------------------------


def test_one_formatter_for_times():
    assert not hasattr(submission, "format_local")
    assert not hasattr(application_tags, "call_time")
    assert format_in_zone(DEADLINE, "Europe/Skopje") == DEADLINE_TEXT


def test_deadline_problems_use_the_call_pages_format():
    application, _user = make_application(call=skopje_call())
    late = DEADLINE + datetime.timedelta(seconds=1)

    messages = [p.message for p in check_submission(application, now=late) if p.section == "deadline"]

    assert messages == [f"The deadline ({DEADLINE_TEXT}) has passed."]


def test_application_pages_show_times_like_the_call_pages(client, clock):
    application, user = make_application(call=skopje_call())
    client.force_login(user)

    for name in ("application_submit", "application_detail", "application_edit"):
        html = client.get(reverse(f"grants:{name}", args=[application.pk])).content.decode()
        assert DEADLINE_TEXT in html, name
    dashboard = client.get(reverse("grants:dashboard")).content.decode()
    assert DEADLINE_TEXT in dashboard
    assert NOW_TEXT in dashboard  # last saved

    submit_application(application.pk, user=user)
    receipt = client.get(reverse("grants:application_receipt", args=[application.pk])).content.decode()
    detail = client.get(reverse("grants:application_detail", args=[application.pk])).content.decode()
    assert NOW_TEXT in receipt
    assert f">{NOW_TEXT}</time>" in detail


def test_receipt_and_withdrawal_mails_show_times_like_the_call_pages(clock):
    application, user = make_application(call=skopje_call())
    submit_application(application.pk, user=user)
    clock.shift(datetime.timedelta(hours=2))
    withdraw_application(application.pk, user=user, reason="Merged with a partner's project.")

    received = OutboxMessage.objects.get(template="application_submitted")
    withdrawn = OutboxMessage.objects.get(template="application_withdrawn")

    assert f"Submitted: {NOW_TEXT}" in received.body_text
    assert NOW_TEXT in received.body_html
    assert "Withdrawn: 10 July 2025, 12:00 (Europe/Skopje, CEST)" in withdrawn.body_text
    assert "10 July 2025, 12:00 (Europe/Skopje, CEST)" in withdrawn.body_html


def test_withdrawn_receipt_page_shows_when_it_was_withdrawn(client, clock):
    application, user = make_application(call=skopje_call())
    submit_application(application.pk, user=user)
    clock.shift(datetime.timedelta(hours=2))
    withdraw_application(application.pk, user=user)
    client.force_login(user)

    html = client.get(reverse("grants:application_receipt", args=[application.pk])).content.decode()

    assert "Application withdrawn" in html
    assert "10 July 2025, 12:00 (Europe/Skopje, CEST)" in html


# --- 3. staff inspect view --------------------------------------------------------------------------------------


@pytest.fixture
def reader(staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_application"))
    return staff_user


def inspect_fields(html: str) -> dict[str, str]:
    """The inspect view's ``<dt>label</dt><dd>value</dd>`` pairs, whitespace collapsed."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.DOTALL)
    return {" ".join(label.split()): " ".join(value.split()) for label, value in pairs}


def test_inspect_view_shows_a_dash_for_empty_values_and_times_in_the_call_zone(client, reader, clock):
    application, _user = make_application(call=skopje_call())
    Application.objects.filter(pk=application.pk).update(duration_months=None, requested_amount_eur=None)
    client.force_login(reader)

    html = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()
    fields = inspect_fields(html)

    assert "None" not in fields.values()
    for label in ("Reference", "Submitted", "Submitted by", "Withdrawn", "Duration (months)"):
        assert fields[label] == "—", (label, fields[label])
    assert fields["Created"] == NOW_TEXT
    assert fields["Last saved"] == NOW_TEXT
    assert NOW_TEXT in html  # the activity log too ("created")


def test_inspect_view_shows_submitted_and_withdrawn_times_in_the_call_zone(client, reader, clock):
    application, user = make_application(call=skopje_call())
    submit_application(application.pk, user=user)
    clock.shift(datetime.timedelta(minutes=30))
    withdraw_application(application.pk, user=user)
    client.force_login(reader)

    fields = inspect_fields(client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode())

    assert fields["Submitted"] == NOW_TEXT
    assert fields["Withdrawn"] == "10 July 2025, 10:30 (Europe/Skopje, CEST)"
    assert fields["Submitted by"] not in ("", "—", "None")


def test_a_kosovo_call_names_its_zone_by_the_country_not_a_serbian_city(client, settings):
    """The tz database files Kosovo under Europe/Belgrade; pages, checks and mails say "Kosovo" instead."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from grants.templatetags.call_tags import format_in_zone, in_call_zone, in_zone
    from portal.countries import zone_display_name
    from tests.grants.factories import CallFactory

    call = CallFactory(country=CountryFactory(code="XK"), timezone="Europe/Belgrade", eligible_countries=["XK"])
    deadline = dt.datetime(2026, 1, 15, 16, 0, tzinfo=ZoneInfo("Europe/Belgrade"))

    assert in_call_zone(deadline, call) == "15 January 2026, 16:00 (Kosovo, CET)"
    assert in_zone(deadline, ["Europe/Belgrade", "XK"]) == "15 January 2026, 16:00 (Kosovo, CET)"
    # Serbia keeps the IANA name; other countries are unaffected.
    assert format_in_zone(deadline, "Europe/Belgrade", "RS").endswith("(Europe/Belgrade, CET)")
    assert zone_display_name("Europe/Skopje", "MK") == "Europe/Skopje"
