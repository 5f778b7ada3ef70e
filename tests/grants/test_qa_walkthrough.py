"""Regressions found by walking through the sub-grant flow in a browser as a new user (QA, issue 3)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from grants.models import ApplicationStatus
from tests.community.factories import member_of
from tests.grants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_read_only_application_shows_the_language_by_name_not_its_code(client):
    application = ApplicationFactory(language="mk", status=ApplicationStatus.SUBMITTED, reference="IW-MK-2026-001")
    client.force_login(member_of(application.organisation))

    html = client.get(reverse("grants:application_detail", args=[application.pk])).content.decode()

    assert "<dd>Macedonian</dd>" in html
    assert "<dd>mk</dd>" not in html


def test_language_display_is_translated_empty_when_unset_and_safe_for_unknown_codes():
    assert ApplicationFactory.build(language="sr-latn").get_language_display() == "Serbian Latin"
    assert ApplicationFactory.build(language="").get_language_display() == ""
    assert ApplicationFactory.build(language="xx").get_language_display() == "xx"
    with translation.override("mk"):
        assert ApplicationFactory.build(language="en").get_language_display() == "Англиски"


def test_staff_inspect_view_shows_the_language_by_name(client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_application"))
    application = ApplicationFactory(language="en")
    client.force_login(staff_user)

    html = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()

    row = re.search(r"Language of the application\s*</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert row, html
    assert row.group(1).strip() == "English"
