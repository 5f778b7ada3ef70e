"""Exchange pages: visible to the members of both DAGs and to RCP coordinators only (404 for everyone else),
edited by coordinators of either DAG and of the RCP, participants chosen from both DAGs, sanitised agenda,
documents listed, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import BilateralExchange, CommunityDocument, ExchangeParticipant, MemberRole, Membership
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.consultation_factories import ExchangeFactory, ParticipantFactory
from tests.portal.factories import UserFactory
from tests.portal.factories_accounts import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """North Macedonia's DAG hosts Serbia's; Bosnia and Herzegovina's DAG is the third one."""
    rcp, mk, rs, ba = RCPFactory(), dag("MK"), dag("RS"), dag("BA")
    exchange = ExchangeFactory(host=mk, visiting=rs, agenda="<p>Day 1</p>", visit_report="<p>We learned a lot.</p>")
    removed = community_member(mk)
    Membership.objects.filter(user=removed).update(ended_on=timezone.now().date(), end_reason="removed")
    users = {
        "anonymous": None,
        "outsider": UserFactory(),
        "staff": StaffFactory(totp=True),
        "removed": removed,
        "third_dag_member": community_member(ba),
        "third_dag_coordinator": community_member(ba, role=MemberRole.COORDINATOR),
        "rcp_member": community_member(rcp),
        "host_observer": community_member(mk, role=MemberRole.OBSERVER),
        "host_member": community_member(mk),
        "host_coordinator": community_member(mk, role=MemberRole.COORDINATOR),
        "visiting_member": community_member(rs),
        "visiting_coordinator": community_member(rs, role=MemberRole.COORDINATOR),
        "rcp_coordinator": community_member(rcp, role=MemberRole.COORDINATOR),
    }
    return {"rcp": rcp, "mk": mk, "rs": rs, "ba": ba, "exchange": exchange, "users": users}


def _login(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return user


#: The workspace each role reaches the exchange from (its own DAG's, or the RCP's).
HOME = {
    "anonymous": "mk",
    "outsider": "mk",
    "staff": "mk",
    "removed": "mk",
    "third_dag_member": "ba",
    "third_dag_coordinator": "ba",
    "rcp_member": "rcp",
    "host_observer": "mk",
    "host_member": "mk",
    "host_coordinator": "mk",
    "visiting_member": "rs",
    "visiting_coordinator": "rs",
    "rcp_coordinator": "rcp",
}

VIEW = {
    "anonymous": 302,
    "outsider": 404,
    "staff": 404,
    "removed": 404,
    "third_dag_member": 404,
    "third_dag_coordinator": 404,
    "rcp_member": 404,
    "host_observer": 200,
    "host_member": 200,
    "host_coordinator": 200,
    "visiting_member": 200,
    "visiting_coordinator": 200,
    "rcp_coordinator": 200,
}
EDIT = {**VIEW, "host_observer": 403, "host_member": 403, "visiting_member": 403}


def _url(world, role, name, *extra):
    slug = world[HOME[role]].slug
    return reverse(f"workspace:{name}", args=[slug, world["exchange"].pk, *extra])


@pytest.mark.parametrize("role", list(VIEW))
def test_detail_matrix(client, world, role):
    _login(client, world, role)
    response = client.get(_url(world, role, "exchange_detail"))
    assert response.status_code == VIEW[role]
    if response.status_code == 200:
        assert "We learned a lot." in response.content.decode()


@pytest.mark.parametrize("role", ["third_dag_member", "rcp_member", "staff", "outsider"])
def test_no_other_workspace_address_reaches_the_exchange(client, world, role):
    """A third DAG's member or a plain RCP member tries the host's, the visitor's and the RCP's address: all 404."""
    _login(client, world, role)
    for slug in ("mk", "rs", "rcp", "ba"):
        url = reverse("workspace:exchange_detail", args=[world[slug].slug, world["exchange"].pk])
        response = client.get(url)
        assert response.status_code == 404
        assert b"We learned a lot." not in response.content


def test_exchange_under_an_unrelated_dag_address_is_404_even_for_an_rcp_coordinator(client, world):
    user = world["users"]["rcp_coordinator"]
    community_member(world["ba"], user=user)
    client.force_login(user)
    url = reverse("workspace:exchange_detail", args=[world["ba"].slug, world["exchange"].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", list(EDIT))
def test_edit_matrix(client, world, role):
    _login(client, world, role)
    assert client.get(_url(world, role, "exchange_edit")).status_code == EDIT[role]
    data = {"title": "Renamed", "starts_on": "2026-03-12", "ends_on": "2026-03-13"}
    response = client.post(_url(world, role, "exchange_edit"), data)
    expected = 302 if EDIT[role] == 200 else EDIT[role]
    assert response.status_code == expected
    renamed = EDIT[role] == 200
    assert BilateralExchange.objects.get().title == ("Renamed" if renamed else world["exchange"].title)


@pytest.mark.parametrize("role", list(EDIT))
def test_participant_urls_matrix(client, world, role):
    participant = ParticipantFactory(
        exchange=world["exchange"], user=community_member(world["mk"]), community=world["mk"]
    )
    _login(client, world, role)
    response = client.post(_url(world, role, "exchange_participant_remove", participant.pk))
    expected = 302 if EDIT[role] == 200 else EDIT[role]
    assert response.status_code == expected
    removed = not ExchangeParticipant.objects.filter(pk=participant.pk).exists()
    assert removed == (EDIT[role] == 200)
    newcomer = community_member(world["rs"])
    response = client.post(
        _url(world, role, "exchange_participant_add"), {"person": f"{world['rs'].pk}-{newcomer.pk}", "role": "Guest"}
    )
    assert response.status_code == expected
    assert ExchangeParticipant.objects.filter(user=newcomer).exists() == (EDIT[role] == 200)


NEW = {
    "anonymous": 302,
    "outsider": 404,
    "staff": 404,
    "removed": 404,
    "third_dag_member": 403,
    "third_dag_coordinator": 200,
    "rcp_member": 403,
    "host_observer": 403,
    "host_member": 403,
    "host_coordinator": 200,
    "visiting_member": 403,
    "visiting_coordinator": 200,
    "rcp_coordinator": 200,
}


@pytest.mark.parametrize("role", list(NEW))
def test_new_and_list_matrix(client, world, role):
    _login(client, world, role)
    slug = world[HOME[role]].slug
    assert client.get(reverse("workspace:exchange_new", args=[slug])).status_code == NEW[role]
    listing = client.get(reverse("workspace:exchanges", args=[slug]))
    assert listing.status_code == {302: 302, 404: 404}.get(NEW[role], 200)
    if listing.status_code == 200:
        shown = world["exchange"].title in listing.content.decode()
        assert shown == (VIEW[role] == 200)


def test_dag_list_shows_hosted_and_visiting_exchanges_only(client, world):
    mk, rs, ba = world["mk"], world["rs"], world["ba"]
    visiting = ExchangeFactory(host=ba, visiting=mk, title="Visit to Sarajevo")
    elsewhere = ExchangeFactory(host=rs, visiting=ba, title="Visit to Belgrade")
    client.force_login(world["users"]["host_member"])
    page = client.get(reverse("workspace:exchanges", args=[mk.slug])).content.decode()
    assert world["exchange"].title in page and visiting.title in page
    assert elsewhere.title not in page


def test_rcp_coordinator_sees_all_exchanges_in_the_rcp_workspace(client, world):
    elsewhere = ExchangeFactory(host=world["rs"], visiting=world["ba"], title="Visit to Belgrade")
    client.force_login(world["users"]["rcp_coordinator"])
    page = client.get(reverse("workspace:exchanges", args=[world["rcp"].slug])).content.decode()
    assert world["exchange"].title in page and elsewhere.title in page
    client.force_login(world["users"]["third_dag_member"])  # a plain RCP member: only their own DAG's
    page = client.get(reverse("workspace:exchanges", args=[world["rcp"].slug])).content.decode()
    assert elsewhere.title in page and world["exchange"].title not in page


def test_coordinator_arranges_an_exchange_and_adds_participants_from_both_dags(client, world):
    mk, rs, ba = world["mk"], world["rs"], world["ba"]
    coordinator = world["users"]["host_coordinator"]
    client.force_login(coordinator)
    data = {
        "host": mk.pk,
        "visiting": ba.pk,
        "title": "Procurement monitoring visit",
        "city": "Skopje",
        "starts_on": "2026-05-04",
        "ends_on": "2026-05-05",
        "agenda": "<p>Day 1</p><script>alert('x')</script><img src=x onerror=alert(1)>",
    }
    response = client.post(reverse("workspace:exchange_new", args=[mk.slug]), data)
    assert response.status_code == 302
    exchange = BilateralExchange.objects.get(title="Procurement monitoring visit")
    assert exchange.agenda == "<p>Day 1</p>"

    edit = client.get(response.url).content.decode()
    visitor = world["users"]["third_dag_member"]
    assert f'value="{ba.pk}-{visitor.pk}"' in edit
    assert f'value="{rs.pk}-{world["users"]["visiting_member"].pk}"' not in edit  # Serbia is not part of this one
    add = reverse("workspace:exchange_participant_add", args=[mk.slug, exchange.pk])
    assert client.post(add, {"person": f"{ba.pk}-{visitor.pk}", "role": "Head of delegation"}).status_code == 302
    outsider = world["users"]["visiting_member"]
    response = client.post(add, {"person": f"{rs.pk}-{outsider.pk}", "role": ""})
    assert response.status_code == 200 and response.context["participant_form"].errors
    assert [(p.user, p.role) for p in exchange.participants.all()] == [(visitor, "Head of delegation")]

    page = client.get(reverse("workspace:exchange_detail", args=[mk.slug, exchange.pk])).content.decode()
    assert "Head of delegation" in page and "Visiting delegation" in page
    assert "<script>alert" not in page and "onerror" not in page


def test_same_dag_twice_is_a_form_error(client, world):
    client.force_login(world["users"]["rcp_coordinator"])
    data = {
        "host": world["mk"].pk,
        "visiting": world["mk"].pk,
        "title": "T",
        "starts_on": "2026-05-04",
        "ends_on": "2026-05-04",
    }
    response = client.post(reverse("workspace:exchange_new", args=[world["rcp"].slug]), data)
    assert response.status_code == 200 and "visiting" in response.context["form"].errors


def test_dag_coordinator_cannot_arrange_an_exchange_between_two_other_dags(client, world):
    client.force_login(world["users"]["host_coordinator"])
    data = {
        "host": world["rs"].pk,
        "visiting": world["ba"].pk,
        "title": "T",
        "starts_on": "2026-05-04",
        "ends_on": "2026-05-04",
    }
    response = client.post(reverse("workspace:exchange_new", args=[world["mk"].slug]), data)
    assert response.status_code == 200
    assert "only for a DAG you coordinate" in response.content.decode()
    assert BilateralExchange.objects.count() == 1


def test_detail_lists_the_exchange_documents(client, world):
    exchange = world["exchange"]
    CommunityDocument.objects.create(
        community=world["mk"],
        exchange=exchange,
        title="Visit programme",
        file="community/1/programme",
        original_name="programme.pdf",
        content_type="application/pdf",
    )
    CommunityDocument.objects.create(
        community=world["mk"],
        title="Library document",
        file="community/1/library",
        original_name="library.pdf",
        content_type="application/pdf",
    )
    client.force_login(world["users"]["visiting_member"])
    page = client.get(reverse("workspace:exchange_detail", args=[world["rs"].slug, exchange.pk])).content.decode()
    assert "Visit programme" in page and "programme.pdf" in page
    assert "Library document" not in page


def test_detail_query_count_is_flat(client, world):
    exchange = world["exchange"]
    client.force_login(world["users"]["host_member"])
    url = reverse("workspace:exchange_detail", args=[world["mk"].slug, exchange.pk])

    def add(n):
        for index in range(n):
            side = world["mk"] if index % 2 else world["rs"]
            ParticipantFactory(exchange=exchange, user=community_member(side), community=side)
            CommunityDocument.objects.create(
                community=world["mk"],
                exchange=exchange,
                title=f"Doc {index}",
                file=f"community/1/{index}",
                original_name="a.pdf",
                content_type="application/pdf",
                uploaded_by=community_member(world["mk"]),
            )

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(3)
    few = count()
    add(30)
    assert count() == few


def test_list_query_count_is_flat(client, world):
    client.force_login(world["users"]["rcp_coordinator"])
    url = reverse("workspace:exchanges", args=[world["rcp"].slug])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(30):
        ExchangeFactory(host=world["ba"], visiting=world["rs"])
    assert count() == few


@pytest.mark.parametrize("role", ["host_member", "visiting_member", "rcp_coordinator"])
def test_document_link_on_the_exchange_page_downloads_the_file(client, world, role, tmp_path, settings, monkeypatch):
    """Found when merging with the document library: the link used this workspace's slug, but the download view
    looks a document up under its own community (the host), so a visiting member's link answered 404."""
    import re

    from tests.community.workspace_factories import DocumentFactory, use_document_storage

    use_document_storage(tmp_path, settings, monkeypatch)
    document = DocumentFactory(community=world["mk"], exchange=world["exchange"], title="Visit programme")
    _login(client, world, role)
    page = client.get(_url(world, role, "exchange_detail")).content.decode()
    link = re.search(rf'href="([^"]+/documents/{document.pk}/download/)"', page).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    upload = reverse("workspace:document_upload", args=[world[HOME[role]].slug])
    assert f'href="{upload}?exchange={world["exchange"].pk}"' in page

    third = world["users"]["third_dag_member"]
    client.force_login(third)
    assert client.get(link).status_code == 404
