"""Who may reach every consultation and decision-log URL: a role × URL matrix with the expected status code.

Anonymous visitors are sent to sign in; anyone who is not an active member of the community (an outsider, a member
of another DAG, a removed member, staff) gets 404 whatever the URL, so an address never reveals that a workspace,
consultation or decision log exists. Members and observers read everything; only coordinators open consultations
and record decisions (403 for the others).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import MemberRole, Membership
from tests.community.community_factories import community_member, dag
from tests.community.consultation_factories import closed_consultation, consultation_with_options
from tests.portal.factories import UserFactory
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "other_dag", "removed", "staff", "observer", "member", "coordinator"]


@pytest.fixture
def world():
    mk, rs = dag("MK"), dag("RS")
    removed = community_member(mk)
    Membership.objects.filter(user=removed).update(ended_on=timezone.now().date(), end_reason="removed")
    users = {
        "anonymous": None,
        "outsider": UserFactory(),
        "other_dag": community_member(rs, role=MemberRole.COORDINATOR),
        "removed": removed,
        "staff": StaffFactory(totp=True),  # a superuser with two-factor set up, so staff checks let them through
        "observer": community_member(mk, role=MemberRole.OBSERVER),
        "member": community_member(mk),
        "coordinator": community_member(mk, role=MemberRole.COORDINATOR),
    }
    return {
        "mk": mk,
        "users": users,
        "open": consultation_with_options(mk),
        "closed": closed_consultation(mk),
    }


def _urls(world):
    slug = world["mk"].slug
    return {
        "consultations": reverse("workspace:consultations", args=[slug]),
        "consultation_new": reverse("workspace:consultation_new", args=[slug]),
        "open_detail": reverse("workspace:consultation_detail", args=[slug, world["open"].pk]),
        "closed_detail": reverse("workspace:consultation_detail", args=[slug, world["closed"].pk]),
        "decisions": reverse("workspace:decisions", args=[slug]),
        "decisions_export": reverse("workspace:decisions_export", args=[slug]),
        "decisions_export_xlsx": reverse("workspace:decisions_export", args=[slug]) + "?format=xlsx",
    }


NOT_IN = {"outsider": 404, "other_dag": 404, "removed": 404, "staff": 404, "anonymous": 302}
READ = {**NOT_IN, "observer": 200, "member": 200, "coordinator": 200}
COORDINATE = {**NOT_IN, "observer": 403, "member": 403, "coordinator": 200}

GET_MATRIX = {
    "consultations": READ,
    "consultation_new": COORDINATE,
    "open_detail": READ,
    "closed_detail": READ,
    "decisions": READ,
    "decisions_export": READ,
    "decisions_export_xlsx": READ,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", list(GET_MATRIX))
def test_get_matrix(client, world, role, url_name):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = client.get(_urls(world)[url_name])
    assert response.status_code == GET_MATRIX[url_name][role]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
    if response.status_code == 200 and not url_name.startswith("decisions_export"):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def _post_data(world, url_name):
    day = timezone.now().date().isoformat()
    if url_name == "consultation_new":
        closes = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        return {
            "question": "Q?",
            "method": "single",
            "closes_at": closes,
            "option_1_label": "A",
            "option_2_label": "B",
        }
    if url_name == "closed_detail":
        return {"action": "record", "decision": "Decided.", "decided_on": day}
    if url_name == "open_detail":
        return {"action": "comment", "body": "A comment"}
    if url_name == "decisions":
        return {"decision": "Decided.", "decided_on": day, "meeting": "DAG meeting"}
    raise AssertionError(url_name)


TAKE_PART = {**NOT_IN, "observer": 302, "member": 302, "coordinator": 302}
COORDINATE_POST = {**NOT_IN, "observer": 403, "member": 403, "coordinator": 302}

POST_MATRIX = {
    "consultation_new": COORDINATE_POST,
    "open_detail": TAKE_PART,  # comment
    "closed_detail": COORDINATE_POST,  # record the outcome
    "decisions": COORDINATE_POST,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", list(POST_MATRIX))
def test_post_matrix(client, world, role, url_name):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = client.post(_urls(world)[url_name], _post_data(world, url_name))
    assert response.status_code == POST_MATRIX[url_name][role]


@pytest.mark.parametrize("role", ["anonymous", "outsider", "other_dag", "removed", "staff"])
def test_export_reveals_nothing_to_non_members(client, world, role):
    from tests.community.consultation_factories import DecisionFactory

    DecisionFactory(community=world["mk"], decision="SECRET-DECISION-TOKEN")
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    for url in _urls(world).values():
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"SECRET-DECISION-TOKEN" not in content
