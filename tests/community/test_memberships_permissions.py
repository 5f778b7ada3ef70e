"""Who reaches the joining and managing pages (issue 6 item 3): the permission matrix, a removed member's old
session, and the manage page's query count at 10 and 500 members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import CommunityInvitation, MemberRole, Membership
from community.services import memberships as services
from portal.models import User
from tests.community.community_factories import CommunityInvitationFactory, community_member
from tests.community.membership_factories import JoinRequestFactory, dag_world
from tests.portal.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]

WHO = ["anonymous", "outsider", "other_dag_member", "observer", "member", "coordinator", "removed", "staff"]


@pytest.fixture
def world():
    world = dag_world()
    removed = community_member(world["mk"])
    Membership.objects.filter(user=removed).update(ended_on=timezone.now().date(), end_reason="removed")
    world["removed"] = removed
    world["staff"] = StaffFactory(totp=True)
    world["invitation"] = CommunityInvitationFactory(community=world["mk"], email="pending@example.org")
    world["request"] = JoinRequestFactory(community=world["mk"])
    return world


def _login(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])


def _expect_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


MANAGE = {
    "anonymous": "login",
    "outsider": 404,
    "other_dag_member": 404,
    "observer": 403,
    "member": 403,
    "coordinator": 200,
    "removed": 404,
    "staff": 404,
}
JOIN = {
    "anonymous": "login",
    "outsider": 200,
    "other_dag_member": 200,
    "observer": 302,
    "member": 302,
    "coordinator": 302,
    "removed": 200,
    "staff": 200,
}
MEMBERSHIP = {
    "anonymous": "login",
    "outsider": 404,
    "other_dag_member": 404,
    "observer": 200,
    "member": 200,
    "coordinator": 200,
    "removed": 404,
    "staff": 404,
}


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [("manage", MANAGE), ("join", JOIN), ("membership", MEMBERSHIP), ("membership_leave", MEMBERSHIP)],
)
@pytest.mark.parametrize("who", WHO)
def test_who_gets_which_page(client, world, who, url_name, expected):
    _login(client, world, who)

    response = client.get(reverse(f"workspace:{url_name}", args=[world["mk"].slug]))

    if expected[who] == "login":
        _expect_login(response)
    else:
        assert response.status_code == expected[who]
    if response.status_code == 200:
        assert "no-store" in response["Cache-Control"]


def _manage_actions(world):
    """(url, POST data) of every coordinator action on the manage page."""
    slug = world["mk"].slug
    member = Membership.objects.get(user=world["member"])
    return [
        (
            reverse("workspace:manage_invite", args=[slug]),
            {"email": "x@example.org", "role": "member", "sector": "media"},
        ),
        (reverse("workspace:manage_invitation_revoke", args=[slug, world["invitation"].pk]), {}),
        (reverse("workspace:manage_request", args=[slug, world["request"].pk]), {"decision": "approve"}),
        (reverse("workspace:manage_member_role", args=[slug, member.pk]), {"role": "observer"}),
        (reverse("workspace:manage_member_remove", args=[slug, member.pk]), {"reason": "removed"}),
    ]


@pytest.mark.parametrize("who", [w for w in WHO if w != "coordinator"])
def test_nobody_but_coordinators_changes_anything_through_the_manage_actions(client, world, who):
    _login(client, world, who)

    for url, data in _manage_actions(world):
        response = client.post(url, data)
        if who == "anonymous":
            _expect_login(response)
        else:
            assert response.status_code == MANAGE[who], (url, response.status_code)

    assert CommunityInvitation.objects.count() == 1 and CommunityInvitation.objects.pending().count() == 1
    assert world["request"].__class__.objects.get(pk=world["request"].pk).status == "pending"
    assert Membership.objects.get(user=world["member"]).role == MemberRole.MEMBER
    assert Membership.objects.get(user=world["member"]).ended_on is None


def test_a_coordinator_of_one_dag_cannot_manage_another_by_url(client, world):
    rs_coordinator = community_member(world["rs"], MemberRole.COORDINATOR)
    client.force_login(rs_coordinator)

    for url, data in _manage_actions(world):
        assert client.post(url, data).status_code == 404


def test_a_removed_members_old_session_gets_404(client, world):
    client.force_login(world["member"])
    url = reverse("workspace:membership", args=[world["mk"].slug])
    assert client.get(url).status_code == 200

    services.remove_member(Membership.objects.get(user=world["member"]), by=world["coordinator"])

    assert client.get(url).status_code == 404
    assert client.get(reverse("workspace:membership", args=[world["rcp"].slug])).status_code == 404
    assert client.post(url, {"sector": "media"}).status_code == 404


def test_a_removed_coordinators_old_session_can_no_longer_manage(client, world):
    second = community_member(world["mk"], MemberRole.COORDINATOR)
    client.force_login(second)
    assert client.get(reverse("workspace:manage", args=[world["mk"].slug])).status_code == 200

    services.remove_member(Membership.objects.get(user=second), by=world["coordinator"])

    assert client.get(reverse("workspace:manage", args=[world["mk"].slug])).status_code == 404
    url, data = _manage_actions(world)[0]
    assert client.post(url, data).status_code == 404
    assert not CommunityInvitation.objects.filter(email="x@example.org").exists()


# --- query count ---------------------------------------------------------------------------------------------------


def _add_members(community, count: int, start: int) -> None:
    """``count`` active members and as many former members, in bulk (saves minutes over factories)."""
    users = User.objects.bulk_create(
        User(
            email=f"bulk{n}@example.org",
            email_canonical=f"bulk{n}@example.org",
            first_name="Bulk",
            last_name=f"Member {n:04d}",
        )
        for n in range(start, start + 2 * count)
    )
    today = timezone.now().date()
    Membership.objects.bulk_create(
        Membership(
            community=community,
            user=user,
            role=MemberRole.MEMBER,
            organisation=f"Organisation {i}",
            started_on=today,
            ended_on=None if i < count else today,
            end_reason="" if i < count else "left",
        )
        for i, user in enumerate(users)
    )


def _count_manage_queries(client, community) -> tuple[int, str]:
    url = reverse("workspace:manage", args=[community.slug])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_manage_page_query_count_is_the_same_for_10_and_500_members(client, world):
    for _ in range(3):
        CommunityInvitationFactory(community=world["mk"], invited_by=world["coordinator"])
        JoinRequestFactory(community=world["mk"])
    client.force_login(world["coordinator"])
    client.get(reverse("workspace:manage", args=[world["mk"].slug]))  # warm up (content types, sessions)

    _add_members(world["mk"], 10, 0)
    small, small_html = _count_manage_queries(client, world["mk"])
    _add_members(world["mk"], 490, 100)
    large, large_html = _count_manage_queries(client, world["mk"])

    assert "Member 0009" in small_html and "Member 0589" in large_html
    assert small == large, (small, large)
