"""Who may open which workspace URL: a matrix of actor × URL × method with the expected answer.

Actors: anonymous, an outsider, programme staff (no membership: staff get no workspace access by being staff), a
member of another DAG, a removed member of the DAG, and the DAG's observer, member and coordinator. Answers:
``login`` (redirect to sign in), 404 (the workspace or item "does not exist" for them), 403 (a member whose role
does not allow the action), 200, or ``done`` (a redirect after a successful POST).
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import MemberRole, Membership, Visibility
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.workspace_factories import (
    DocumentFactory,
    PostFactory,
    PostFlagFactory,
    ThreadFactory,
    use_document_storage,
)
from tests.grants.files_samples import pdf_bytes, upload
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "outsider", "staff", "other_dag", "removed", "observer", "member", "coordinator"]
NOT_MEMBERS = {"outsider": 404, "staff": 404, "other_dag": 404, "removed": 404}
READ = {"anonymous": "login", **NOT_MEMBERS, "observer": 200, "member": 200, "coordinator": 200}


@pytest.fixture
def world(tmp_path, settings, monkeypatch, admin_user):
    use_document_storage(tmp_path, settings, monkeypatch)
    RCPFactory()
    mk, rs = dag("MK"), dag("RS")
    actors = {
        "outsider": UserFactory(),
        "staff": admin_user,
        "other_dag": community_member(rs),
        "removed": community_member(mk),
        "observer": community_member(mk, role=MemberRole.OBSERVER),
        "member": community_member(mk),
        "coordinator": community_member(mk, role=MemberRole.COORDINATOR),
    }
    Membership.objects.filter(user=actors["removed"]).update(
        ended_on=timezone.now().date(), end_reason=Membership.EndReason.REMOVED
    )
    author = community_member(mk)
    thread = ThreadFactory(community=mk, created_by=author)
    post = PostFactory(thread=thread, author=author)
    flag = PostFlagFactory(post=post, flagged_by=community_member(mk))
    return {
        "mk": mk,
        "rs": rs,
        "actors": actors,
        "thread": thread,
        "post": post,
        "flag": flag,
        "document": DocumentFactory(community=mk, uploaded_by=author),
        "public_document": DocumentFactory(community=mk, uploaded_by=author, visibility=Visibility.PUBLIC),
        "rs_thread": ThreadFactory(community=rs),
        "rs_document": DocumentFactory(community=rs),
    }


def client_for(world, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        user = world["actors"][actor]
        client.force_login(user)  # staff: the admin_user fixture has TOTP, so the staff two-factor rule lets it in
    return client


def outcome(response) -> object:
    if response.status_code == 302:
        return "login" if response["Location"].startswith(reverse(settings.LOGIN_URL)) else "done"
    return response.status_code


CASES = [
    # (id, method, url name, args (world keys or values), POST data builder, expectations)
    ("index", "get", "index", [], None, {"anonymous": "login", **dict.fromkeys(ACTORS[1:], 200)}),
    ("home", "get", "home", ["dag-mk"], None, READ),
    ("members", "get", "members", ["dag-mk"], None, READ),
    ("documents", "get", "documents", ["dag-mk"], None, READ),
    ("threads", "get", "threads", ["dag-mk"], None, READ),
    ("announcements", "get", "announcements", ["dag-mk"], None, READ),
    ("thread_detail", "get", "thread_detail", ["dag-mk", "thread"], None, READ),
    ("thread_new", "get", "thread_new", ["dag-mk"], None, READ),
    ("document_download", "get", "document_download", ["dag-mk", "document"], None, READ),
    (
        "public_document_download",
        "get",
        "document_download",
        ["dag-mk", "public_document"],
        None,
        dict.fromkeys(ACTORS, 200),
    ),
    (
        "document_upload",
        "get",
        "document_upload",
        ["dag-mk"],
        None,
        {**READ, "observer": 403},
    ),
    (
        "document_upload_post",
        "post",
        "document_upload",
        ["dag-mk"],
        lambda w: {"title": "Plan", "language": "en", "visibility": "members", "file": upload("Plan.pdf", pdf_bytes())},
        {**READ, "observer": 403, "member": "done", "coordinator": "done"},
    ),
    (
        "thread_new_post",
        "post",
        "thread_new",
        ["dag-mk"],
        lambda w: {"title": "Datasets", "body": "Which ones?"},
        {**READ, "observer": "done", "member": "done", "coordinator": "done"},
    ),
    (
        "reply",
        "post",
        "thread_detail",
        ["dag-mk", "thread"],
        lambda w: {"body": "I agree."},
        {**READ, "observer": "done", "member": "done", "coordinator": "done"},
    ),
    (
        "flag",
        "post",
        "post_flag",
        ["dag-mk", "post"],
        lambda w: {"reason": "Personal attack."},
        {**READ, "observer": "done", "member": "done", "coordinator": "done"},
    ),
    (
        "close",
        "post",
        "thread_close",
        ["dag-mk", "thread"],
        lambda w: {"conclusion": "We publish procurement data first."},
        {**READ, "observer": 403, "member": 403, "coordinator": "done"},
    ),
    (
        "resolve",
        "post",
        "flag_resolve",
        ["dag-mk", "flag"],
        lambda w: {},
        {**READ, "observer": 403, "member": 403, "coordinator": "done"},
    ),
    (
        "announce",
        "post",
        "announcements",
        ["dag-mk"],
        lambda w: {"title": "Meeting", "body": "On Monday."},
        {**READ, "observer": 403, "member": 403, "coordinator": "done"},
    ),
]


def _resolve(world, name, args):
    values = []
    for arg in args:
        if arg in ("dag-mk", "dag-rs"):
            values.append(arg)
        else:
            values.append(world[arg].pk)
    return reverse(f"workspace:{name}", args=values)


@pytest.mark.parametrize(
    ("method", "name", "args", "data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_permission_matrix(world, method, name, args, data, expected):
    address = _resolve(world, name, args)
    wrong = {}
    for actor in ACTORS:
        client = client_for(world, actor)
        if method == "get":
            response = client.get(address)
        else:
            response = client.post(address, data(world) if data else {})
        got = outcome(response)
        if got != expected[actor]:
            wrong[actor] = (got, expected[actor])
    assert not wrong, f"{address}: actor → (got, expected): {wrong}"


# --- Another DAG's items by URL (issue 6, "bad input") ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("home", ["dag-rs"]),
        ("members", ["dag-rs"]),
        ("documents", ["dag-rs"]),
        ("threads", ["dag-rs"]),
        ("thread_detail", ["dag-rs", "rs_thread"]),
        ("thread_detail", ["dag-mk", "rs_thread"]),
        ("document_download", ["dag-rs", "rs_document"]),
        ("document_download", ["dag-mk", "rs_document"]),
        ("announcements", ["dag-rs"]),
    ],
)
def test_member_of_one_dag_gets_404_for_another_dags_workspace_items(world, name, args):
    client = client_for(world, "coordinator")
    assert client.get(_resolve(world, name, args)).status_code == 404


def test_dag_member_enters_the_rcp_workspace(world):
    client = client_for(world, "member")
    assert client.get(reverse("workspace:home", args=["rcp"])).status_code == 200
    assert client.get(reverse("workspace:members", args=["rcp"])).status_code == 200


def test_removed_members_bookmarked_file_url_answers_404(world):
    """A member downloads a file, is removed, and follows the bookmarked link again: 404 on the next request."""
    client = client_for(world, "member")
    address = _resolve(world, "document_download", ["dag-mk", "document"])
    assert client.get(address).status_code == 200
    Membership.objects.filter(user=world["actors"]["member"]).update(
        ended_on=timezone.now().date(), end_reason=Membership.EndReason.REMOVED
    )
    assert client.get(address).status_code == 404
    assert client.get(reverse("workspace:home", args=["dag-mk"])).status_code == 404


def test_membership_ending_tomorrow_still_reads_today(world):
    Membership.objects.filter(user=world["actors"]["member"]).update(ended_on=timezone.now().date() + timedelta(days=1))
    client = client_for(world, "member")
    assert client.get(_resolve(world, "document_download", ["dag-mk", "document"])).status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in_for_a_missing_document_too(world):
    """The sign-in answer does not tell an anonymous visitor which document ids exist."""
    response = Client().get(reverse("workspace:document_download", args=["dag-mk", 999999]))
    assert outcome(response) == "login"


def test_workspace_pages_are_private_and_not_stored(world):
    client = client_for(world, "member")
    for name, args in [("home", ["dag-mk"]), ("members", ["dag-mk"]), ("thread_detail", ["dag-mk", "thread"])]:
        response = client.get(_resolve(world, name, args))
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
