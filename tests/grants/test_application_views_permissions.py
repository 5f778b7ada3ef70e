"""Who may open which applicant URL: anonymous / member / another organisation's member / staff × URL × state.

Anonymous visitors are sent to sign in; another organisation's member gets 404 everywhere (the application is not
theirs to know about); staff read (200) but never act for the applicant (403); a member whose application is no
longer in the state a URL needs is sent to the read-only page (302).
"""

import pytest
from django.urls import reverse

from grants.models import ApplicationStatus
from tests.community.factories import OrganisationFactory, member_of
from tests.grants.test_application_views import attach, complete_application, submitted
from tests.portal.factories_accounts import StaffFactory, activate_totp

pytestmark = pytest.mark.django_db

LOGIN = "login"
# (url name, method, needs attachment id) → {state: {role: expected status}}
MATRIX = {
    ("application_detail", "get"): {
        "draft": {"member": 200, "other": 404, "staff": 200},
        "submitted": {"member": 200, "other": 404, "staff": 200},
    },
    ("application_edit", "get"): {
        "draft": {"member": 200, "other": 404, "staff": 403},
        "submitted": {"member": 302, "other": 404, "staff": 403},
    },
    ("application_edit", "post"): {
        "draft": {"member": 302, "other": 404, "staff": 403},
        "submitted": {"member": 302, "other": 404, "staff": 403},
    },
    ("application_submit", "get"): {
        "draft": {"member": 200, "other": 404, "staff": 403},
        "submitted": {"member": 302, "other": 404, "staff": 403},
    },
    ("application_submit", "post"): {
        "draft": {"member": 302, "other": 404, "staff": 403},
        "submitted": {"member": 302, "other": 404, "staff": 403},
    },
    ("application_receipt", "get"): {
        "draft": {"member": 302, "other": 404, "staff": 302},
        "submitted": {"member": 200, "other": 404, "staff": 200},
    },
    ("application_withdraw", "get"): {
        "draft": {"member": 302, "other": 404, "staff": 403},
        "submitted": {"member": 200, "other": 404, "staff": 403},
    },
    ("application_withdraw", "post"): {
        "draft": {"member": 302, "other": 404, "staff": 403},
        "submitted": {"member": 302, "other": 404, "staff": 403},
    },
    ("application_attachment_remove", "post"): {
        "draft": {"member": 302, "other": 404, "staff": 403},
        "submitted": {"member": 302, "other": 404, "staff": 403},
    },
}
CASES = [
    (name, method, state, role, expected)
    for (name, method), states in MATRIX.items()
    for state, roles in states.items()
    for role, expected in [*roles.items(), ("anonymous", LOGIN)]
]


@pytest.fixture
def staff():
    user = StaffFactory()
    activate_totp(user)
    return user


@pytest.mark.parametrize(("name", "method", "state", "role", "expected"), CASES)
def test_permission_matrix(client, staff, name, method, state, role, expected):
    application = complete_application()
    member = member_of(application.organisation)
    attachment = attach(application, None, name="extra.pdf")
    if state == "submitted":
        submitted(application, member)
    users = {"member": member, "other": member_of(OrganisationFactory()), "staff": staff, "anonymous": None}
    if users[role] is not None:
        client.force_login(users[role])
    args = [application.pk, attachment.pk] if name == "application_attachment_remove" else [application.pk]
    url = reverse(f"grants:{name}", args=args)

    data = {"confirm": "on", "budget-TOTAL_FORMS": "0", "budget-INITIAL_FORMS": "0"} if method == "post" else None
    response = getattr(client, method)(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected
    application.refresh_from_db()
    # Only the member's own POSTs may change anything, and only what the state allows.
    if role != "member":
        assert application.status == (ApplicationStatus.DRAFT if state == "draft" else ApplicationStatus.SUBMITTED)
        assert application.attachments.filter(pk=attachment.pk).exists()


def test_another_organisations_attachment_id_under_my_application_is_404(client):
    mine = complete_application()
    theirs = complete_application()
    their_file = theirs.attachments.first()
    client.force_login(member_of(mine.organisation))

    response = client.post(
        reverse("grants:application_attachment_remove", args=[mine.pk, their_file.pk]), {"next": "/"}
    )

    assert response.status_code == 404
    assert theirs.attachments.filter(pk=their_file.pk).exists()


def test_remove_button_with_another_applications_attachment_id_removes_nothing(client):
    mine = complete_application()
    theirs = complete_application()
    their_file = theirs.attachments.first()
    client.force_login(member_of(mine.organisation))

    client.post(
        reverse("grants:application_edit", args=[mine.pk]),
        {"title": "x", "budget-TOTAL_FORMS": "0", "budget-INITIAL_FORMS": "0", "remove_attachment": their_file.pk},
    )

    assert theirs.attachments.filter(pk=their_file.pk).exists()


def test_remove_redirect_ignores_a_foreign_next_url(client):
    application = complete_application()
    attachment = attach(application, None, name="extra.pdf")
    client.force_login(member_of(application.organisation))

    response = client.post(
        reverse("grants:application_attachment_remove", args=[application.pk, attachment.pk]),
        {"next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("grants:application_edit", args=[application.pk]))
    assert not application.attachments.filter(pk=attachment.pk).exists()
