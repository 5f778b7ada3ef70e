"""Regressions found by walking the sub-grant flow in Macedonian and Turkish at phone width (QA, issue 3)."""

import pytest
from django.urls import reverse
from django.utils import translation

from community.models import OrganisationMembership
from grants.forms import ApplicationForm
from tests.grants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "EUR 4,000.00–8,000.00"), ("mk", "EUR 4.000,00–8.000,00"), ("tr", "EUR 4.000,00–8.000,00")],
)
def test_requested_amount_help_uses_the_active_languages_number_format(language, expected):
    application = ApplicationFactory()
    with translation.override(language):
        form = ApplicationForm(application=application)
        help_text = str(form.fields["requested_amount_eur"].help_text)
    assert expected in help_text


def test_signing_up_in_macedonian_makes_the_receipt_mail_macedonian(client):
    """Someone who signs up on /mk/ and submits gets the receipt in Macedonian, not in the site default."""
    from django.core.cache import cache

    from grants.services.submission import submit_application
    from portal.models import User
    from portal.notifications.models import OutboxMessage
    from tests.grants.test_submission import make_application

    cache.clear()
    with translation.override("mk"):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Ана",
                "last_name": "Петрова",
                "email": "ana.mk@example.org",
                "password1": "Skopje-2026-proba!",
                "password2": "Skopje-2026-proba!",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="ana.mk@example.org")
    assert user.preferred_language == "mk"

    application, _member = make_application()
    OrganisationMembership.objects.create(organisation=application.organisation, user=user, role="admin")
    submit_application(application.pk, user=user)

    receipt = OutboxMessage.objects.get(template="application_submitted", recipient=user.email)
    assert receipt.language == "mk"
    assert "Application" not in receipt.subject


def test_signing_up_on_the_default_language_leaves_the_preference_at_english(client):
    from django.core.cache import cache

    from portal.models import User

    cache.clear()
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Eve",
            "last_name": "Example",
            "email": "eve@example.org",
            "password1": "Skopje-2026-proba!",
            "password2": "Skopje-2026-proba!",
        },
    )
    assert User.objects.get(email="eve@example.org").preferred_language == "en"


def test_dashboard_and_application_page_show_country_names_in_the_active_language(client):
    from grants.models import ApplicationStatus
    from tests.community.factories import OrganisationFactory, member_of
    from tests.grants.factories import ApplicationFactory, ApplicationPartnerFactory
    from tests.portal.factories import CountryFactory

    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED, reference="IW-MK-2026-001")
    partner_org = OrganisationFactory(country=CountryFactory(code="TR", name="Türkiye"))
    ApplicationPartnerFactory(application=application, organisation=partner_org)
    client.force_login(member_of(application.organisation))

    with translation.override("mk"):
        detail = client.get(reverse("grants:application_detail", args=[application.pk])).content.decode()
        dashboard = client.get(reverse("grants:dashboard")).content.decode()

    assert "Турција" in detail and "· Türkiye" not in detail
    assert "Северна Македонија" in dashboard and "· North Macedonia ·" not in dashboard


def _staff_with_view(staff_user, language):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(Permission.objects.get(codename="view_application"))
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff_user)
    profile.preferred_language = language
    profile.save()
    return staff_user


def test_staff_list_in_turkish_names_the_country_column_and_shows_submission_in_the_calls_zone(client, staff_user):
    import datetime

    from grants.models import ApplicationStatus

    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED, reference="IW-MK-2026-001")
    application.submitted_at = datetime.datetime(2026, 11, 29, 14, 44, tzinfo=datetime.UTC)
    application.save(update_fields=["submitted_at"])
    client.force_login(_staff_with_view(staff_user, "tr"))

    html = client.get(reverse("grants_applications:index")).content.decode()

    assert "Ana başvuru sahibinin ülkesi" in html
    assert "Ana başvuru sahibi ülke" not in html
    zone = application.call.timezone
    assert f"29 Kasım 2026, 15:44 ({zone}, CET)" in html


def test_staff_inspect_shows_activity_and_people_in_the_staff_language_not_codes(client, staff_user):
    from grants.models import ActivityLog, ApplicationStatus

    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED, reference="IW-MK-2026-002")
    ActivityLog.objects.create(application=application, action="created", to_status="draft")
    ActivityLog.objects.create(application=application, action="submitted", from_status="draft", to_status="submitted")
    ActivityLog.objects.create(application=application, action="attachment_added", comment="statute: a.pdf")
    client.force_login(_staff_with_view(staff_user, "tr"))

    html = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()

    for text in ("Başvuru başlatıldı", "Başvuru gönderildi", "Ek eklendi", "Taslak → Gönderildi", "— → Taslak"):
        assert text in html, text
    for code in ("<td>created</td>", "<td>attachment_added</td>", "draft → submitted"):
        assert code not in html, code
    for label in ("Rules version", "Created by", "Submitted by"):
        assert label not in html, label


def test_unknown_activity_codes_are_shown_as_stored():
    from grants.models import ActivityLog

    entry = ActivityLog(action="imported", from_status="", to_status="archived")
    assert entry.get_action_display() == "imported"
    assert entry.get_status_change_display() == "— → archived"


def test_member_table_calls_a_persons_name_name_not_title_in_macedonian(client):
    from tests.community.factories import OrganisationFactory, member_of

    organisation = OrganisationFactory()
    admin = member_of(organisation, role="admin")
    client.force_login(admin)
    with translation.override("mk"):
        html = client.get(reverse("community:organisation_detail", args=[organisation.pk])).content.decode()
    assert '<th scope="col">Име</th>' in html
    assert '<th scope="col">Назив</th>' not in html


def test_an_account_without_a_language_takes_the_one_it_signs_in_with_and_keeps_a_chosen_one(client):
    from django.core.cache import cache

    from tests.portal.factories_accounts import PASSWORD, UserFactory

    cache.clear()
    blank = UserFactory(preferred_language="")
    chosen = UserFactory(preferred_language="sq")
    with translation.override("tr"):
        url = reverse("account_login")
    for user in (blank, chosen):
        response = client.post(url, {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302
        client.logout()
    blank.refresh_from_db()
    chosen.refresh_from_db()
    assert blank.preferred_language == "tr"
    assert chosen.preferred_language == "sq"
