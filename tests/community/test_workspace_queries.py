"""Query counts of the workspace lists do not grow with the rows: the directory and the library at 10 and 500
(issue 6, "Performance"), the other lists at 3 and 30."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import (
    Announcement,
    CommunityDocument,
    ExpertiseArea,
    MemberRole,
    Membership,
    Post,
    PostFlag,
    Thread,
    Visibility,
)
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.workspace_factories import bulk_members

pytestmark = pytest.mark.django_db


def count_queries(client, address, **query) -> int:
    client.get(address, query)  # warm up per-process caches (content types, locales, site)
    with CaptureQueriesContext(connection) as context:
        response = client.get(address, query)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def setting():
    RCPFactory()
    mk = dag("MK")
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    client = Client()
    client.force_login(coordinator)
    return mk, coordinator, client


def add_members(community, count, start):
    rows = bulk_members(community, count, start=start)
    areas = list(ExpertiseArea.objects.all()[:2])
    Membership.expertise.through.objects.bulk_create(
        Membership.expertise.through(membership_id=row.pk, expertisearea_id=area.pk) for row in rows for area in areas
    )


def add_documents(community, user, count, start):
    CommunityDocument.objects.bulk_create(
        CommunityDocument(
            community=community,
            title=f"Document {start + i}",
            language="mk" if i % 2 else "en",
            visibility=Visibility.PUBLIC if i % 3 else Visibility.MEMBERS,
            file=f"community/{community.pk}/key{start + i}",
            original_name=f"doc{start + i}.pdf",
            content_type="application/pdf",
            size_bytes=1000,
            uploaded_by=user,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("query", [{}, {"sector": "civil_society", "expertise": "asset_declarations", "q": "Member"}])
def test_member_directory_same_queries_at_10_and_500_members(setting, query):
    mk, _coordinator, client = setting
    address = reverse("workspace:members", args=[mk.slug])
    add_members(mk, 10, 0)
    small = count_queries(client, address, **query)
    add_members(mk, 490, 10)
    assert count_queries(client, address, **query) == small


def test_rcp_directory_same_queries_at_10_and_500_members(setting):
    mk, coordinator, client = setting
    rs = dag("RS")
    address = reverse("workspace:members", args=["rcp"])
    add_members(mk, 5, 0)
    add_members(rs, 5, 0)
    small = count_queries(client, address)
    add_members(mk, 245, 5)
    add_members(rs, 245, 5)
    assert count_queries(client, address) == small


@pytest.mark.parametrize("query", [{}, {"language": "mk", "visibility": "public", "q": "Document"}])
def test_document_library_same_queries_at_10_and_500_documents(setting, query):
    mk, coordinator, client = setting
    address = reverse("workspace:documents", args=[mk.slug])
    add_documents(mk, coordinator, 10, 0)
    small = count_queries(client, address, **query)
    others = [community_member(mk) for _ in range(3)]
    for index, user in enumerate(others):
        add_documents(mk, user, 163, 10 + 163 * index)
    assert CommunityDocument.objects.count() == 499
    assert count_queries(client, address, **query) == small


def add_threads(community, users, count, start):
    for i in range(count):
        thread = Thread.objects.create(community=community, title=f"Thread {start + i}", created_by=users[i % 2])
        posts = Post.objects.bulk_create(
            Post(thread=thread, author=users[(i + j) % 2], body=f"<p>{j}</p>") for j in range(3)
        )
        PostFlag.objects.create(post=posts[-1], flagged_by=users[2], reason="Spam")


def test_threads_list_same_queries_at_3_and_30(setting):
    mk, coordinator, client = setting
    users = [community_member(mk) for _ in range(3)]
    address = reverse("workspace:threads", args=[mk.slug])
    add_threads(mk, users, 3, 0)
    small = count_queries(client, address)
    add_threads(mk, users, 27, 3)
    assert count_queries(client, address) == small


def test_thread_page_same_queries_at_3_and_30_posts(setting):
    mk, coordinator, client = setting
    users = [community_member(mk) for _ in range(3)]
    thread = Thread.objects.create(community=mk, title="Long", created_by=users[0])

    def add_posts(count):
        for j in range(count):
            post = Post.objects.create(thread=thread, author=users[j % 3], body=f"<p>Post {j}</p>")
            PostFlag.objects.create(post=post, flagged_by=users[(j + 1) % 3], reason="Check")

    address = reverse("workspace:thread_detail", args=[mk.slug, thread.pk])
    add_posts(3)
    small = count_queries(client, address)
    add_posts(27)
    assert count_queries(client, address) == small


def test_announcements_and_overview_same_queries_at_3_and_30(setting):
    mk, coordinator, client = setting
    users = [community_member(mk) for _ in range(2)]

    def add(count, start):
        Announcement.objects.bulk_create(
            Announcement(community=mk, title=f"A{start + i}", body="<p>x</p>", created_by=coordinator)
            for i in range(count)
        )
        add_threads(mk, [*users, coordinator], count, start)
        add_documents(mk, users[0], count, start)

    announcements = reverse("workspace:announcements", args=[mk.slug])
    home = reverse("workspace:home", args=[mk.slug])
    add(3, 0)
    small = (count_queries(client, announcements), count_queries(client, home))
    add(27, 3)
    assert (count_queries(client, announcements), count_queries(client, home)) == small


def test_my_workspaces_same_queries_for_one_and_three_memberships(setting):
    mk, coordinator, client = setting
    address = reverse("workspace:index")
    small = count_queries(client, address)
    community_member(RCPFactory(), role=MemberRole.OBSERVER, user=coordinator)
    community_member(dag("RS"), user=coordinator)
    assert count_queries(client, address) == small
