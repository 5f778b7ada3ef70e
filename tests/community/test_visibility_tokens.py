"""One visibility rule (issue 6 item 8): members-only content never reaches anyone outside the community.

Each *planter* puts a unique token into one kind of members-only item of DAG North Macedonia (a document title, a
thread title, a post, an announcement, a consultation question, option and comment, a decision, an exchange's title
and visit report, a member who did not consent to be listed, an organisation shown without consent). Then every URL
an outsider can reach is fetched as an anonymous visitor and as a member of ANOTHER DAG (Serbia), and no token may
appear in any answer. The public document's title must appear on the page, so the test would notice if the page
stopped rendering its content at all.

To extend it: append a ``(name, function(world, token))`` pair to :data:`PLANTERS` for a new kind of private item,
or a ``function(world, tokens) -> list[str]`` to :data:`OUTSIDER_URLS` for new pages an outsider can open (for
example the workspace URLs, which must answer 404 or a sign-in redirect without the token). A URL that contains a
token (a search) may echo that token, but must then list no search result.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import (
    Announcement,
    Ballot,
    BallotChoice,
    BilateralExchange,
    CommunityDecision,
    CommunityDocument,
    Consultation,
    ConsultationComment,
    ConsultationOption,
    ExchangeParticipant,
    Post,
    Thread,
    Visibility,
)
from tests.community.community_factories import MembershipFactory, RCPFactory, community_member, dag
from tests.community.public_factories import CommunityIndexPageFactory, CommunityPageFactory, community_document
from tests.portal.conftest import home_page  # noqa: F401  (fixture)
from tests.portal.factories import NewsIndexPageFactory, NewsPageFactory, UserFactory

pytestmark = pytest.mark.django_db


PUBLIC_TITLE = "Scoping report summary (public)"


@dataclass
class World:
    """The site the tokens are planted in: DAG North Macedonia (``mk``) with its coordinator, DAG Kosovo (``xk``,
    the visiting side of an exchange), DAG Serbia (``rs``), the RCP, their public pages and a news index."""

    home: object
    index: object
    mk: object
    xk: object
    rs: object
    rcp: object
    coordinator: object
    pages: list = field(default_factory=list)


# --- planters: one kind of members-only item each ----------------------------------------------------------------


def plant_document(world, token):
    community_document(world.mk, f"Dataset shortlist {token}", description=f"Internal notes {token}")


def plant_exchange_document(world, token):
    exchange = BilateralExchange.objects.create(
        host=world.mk,
        visiting=world.xk,
        title="Study visit",
        starts_on=datetime.date(2025, 5, 6),
        ends_on=datetime.date(2025, 5, 7),
    )
    community_document(world.mk, f"Exchange handout {token}", exchange=exchange)


def plant_thread(world, token):
    Thread.objects.create(community=world.mk, title=f"Which datasets first {token}", created_by=world.coordinator)


def plant_post(world, token):
    thread = Thread.objects.create(community=world.mk, title="Kick-off follow-up", created_by=world.coordinator)
    Post.objects.create(thread=thread, author=world.coordinator, body=f"<p>My view: {token}</p>")


def plant_announcement(world, token):
    Announcement.objects.create(
        community=world.mk, title=f"Next meeting {token}", body=f"<p>Agenda {token}</p>", created_by=world.coordinator
    )


def plant_consultation(world, token):
    now = timezone.now()
    consultation = Consultation.objects.create(
        community=world.mk,
        question=f"Which datasets should the platform publish {token}",
        description=f"Background {token}",
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now - datetime.timedelta(days=5),
        created_by=world.coordinator,
    )
    option = ConsultationOption.objects.create(consultation=consultation, label=f"Concessions {token}")
    ballot = Ballot.objects.create(consultation=consultation, voter=world.coordinator)
    BallotChoice.objects.create(ballot=ballot, option=option)
    ConsultationComment.objects.create(consultation=consultation, author=world.coordinator, body=f"Comment {token}")


def plant_decision(world, token):
    CommunityDecision.objects.create(
        community=world.mk,
        decision=f"Datasets selected: {token}",
        decided_on=datetime.date(2025, 4, 2),
        meeting=f"DAG meeting {token}",
        recorded_by=world.coordinator,
    )


def plant_exchange(world, token):
    exchange = BilateralExchange.objects.create(
        host=world.mk,
        visiting=world.xk,
        title=f"Skopje visit {token}",
        city="Skopje",
        starts_on=datetime.date(2025, 9, 15),
        ends_on=datetime.date(2025, 9, 16),
        purpose=f"Purpose {token}",
        agenda=f"<p>Agenda {token}</p>",
        visit_report=f"<p>Report {token}</p>",
    )
    ExchangeParticipant.objects.create(exchange=exchange, user=world.coordinator, community=world.mk)


def plant_unlisted_member(world, token):
    community_member(world.mk, user=UserFactory(first_name=token, last_name="Unlisted"), organisation=token)


def plant_organisation_without_consent(world, token):
    MembershipFactory(
        community=world.mk,
        user=UserFactory(first_name="Listed", last_name="Person"),
        consent_public_name=True,
        organisation=f"Employer {token}",
        position=f"Position {token}",
    )


PLANTERS = [
    ("document", plant_document),
    ("exchange document", plant_exchange_document),
    ("thread", plant_thread),
    ("post", plant_post),
    ("announcement", plant_announcement),
    ("consultation", plant_consultation),
    ("decision", plant_decision),
    ("exchange", plant_exchange),
    ("unlisted member", plant_unlisted_member),
    ("organisation without consent", plant_organisation_without_consent),
]


# --- URLs an outsider can open --------------------------------------------------------------------------------------


def public_pages(world, tokens):
    return [world.index.url, *[page.url for page in world.pages]]


def searches(world, tokens):
    return [f"{reverse('search')}?q={token}" for token in tokens]


def site_wide(world, tokens):
    return [reverse("sitemap"), reverse("news_feed"), "/"]


def workspace_pages(world, tokens):
    """Every members-only page of DAG North Macedonia, by URL, plus its items reached through another DAG's slug."""
    mk, rs = world.mk.slug, world.rs.slug
    urls = [
        reverse(f"workspace:{name}", args=[mk])
        for name in (
            "home",
            "members",
            "documents",
            "threads",
            "announcements",
            "consultations",
            "decisions",
            "decisions_export",
            "exchanges",
            "manage",
            "membership",
        )
    ]
    urls.append(reverse("workspace:decisions_export", args=[mk]) + "?format=xlsx")
    for document in CommunityDocument.objects.filter(community=world.mk).exclude(visibility=Visibility.PUBLIC):
        urls += [reverse("workspace:document_download", args=[slug, document.pk]) for slug in (mk, rs)]
    for thread in Thread.objects.filter(community=world.mk):
        urls += [reverse("workspace:thread_detail", args=[slug, thread.pk]) for slug in (mk, rs)]
    for consultation in Consultation.objects.filter(community=world.mk):
        urls += [reverse("workspace:consultation_detail", args=[slug, consultation.pk]) for slug in (mk, rs)]
    for exchange in BilateralExchange.objects.filter(host=world.mk):
        urls += [reverse("workspace:exchange_detail", args=[slug, exchange.pk]) for slug in (mk, rs)]
    urls += [reverse("workspace:index"), reverse("workspace:notifications")]
    return urls


OUTSIDER_URLS = [public_pages, searches, site_wide, workspace_pages]


# --- the test -------------------------------------------------------------------------------------------------------


def token_for(n: int) -> str:
    return f"QZLEAK{n:02d}TOKEN"


@pytest.fixture
def world(home_page):  # noqa: F811
    news = NewsIndexPageFactory(parent=home_page, slug="news")
    NewsPageFactory(parent=news, title="The RCP meets in Skopje")
    index = CommunityIndexPageFactory(parent=home_page)
    mk, xk, rs, rcp = dag("MK"), dag("XK"), dag("RS"), RCPFactory()
    world = World(home_page, index, mk, xk, rs, rcp, coordinator=community_member(mk, role="coordinator"))
    world.pages = [CommunityPageFactory(parent=index, community=c) for c in (rcp, mk, xk, rs)]
    community_document(mk, PUBLIC_TITLE, Visibility.PUBLIC)
    return world


@pytest.fixture
def planted(world):
    tokens = []
    for n, (_name, plant) in enumerate(PLANTERS):
        token = token_for(n)
        plant(world, token)
        tokens.append(token)
    return tokens


def outsiders(world):
    yield "anonymous", Client()
    other = Client()
    other.force_login(community_member(world.rs))
    yield "member of another DAG", other
    former = Client()
    former.force_login(community_member(world.mk, ended_on=timezone.now().date(), end_reason="removed"))
    yield "former member", former


def test_no_members_only_token_reaches_an_outsider(world, planted):
    urls = [url for make in OUTSIDER_URLS for url in make(world, planted)]
    mk_page = next(page for page in world.pages if page.specific.community_id == world.mk.pk).url
    for who, client in outsiders(world):
        shown_public_title = False
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302, 404), (who, url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            # A search page repeats the query it was asked for: the token in the URL may be echoed, but then
            # nothing may be found for it.
            echoed = [token for token in planted if token in url]
            if echoed:
                assert 'class="search-result"' not in text, (who, url)
            leaked = [token for token in planted if token in text and token not in echoed]
            assert leaked == [], (who, url, leaked)
            if url == mk_page:
                assert response.status_code == 200
                shown_public_title = PUBLIC_TITLE in text
                assert "Listed Person" in text  # the consented name is shown, the organisation is not
        assert shown_public_title, who


def test_the_tokens_are_really_there_for_the_members(world, planted):
    """Guard against a vacuous pass: the planted items exist and the public page shows the public document."""
    assert len(set(planted)) == len(PLANTERS)
    assert Thread.objects.filter(title__contains=planted[2]).exists()
    client = Client()
    client.force_login(world.coordinator)
    text = client.get(next(p for p in world.pages if p.specific.community_id == world.mk.pk).url).content.decode()
    assert PUBLIC_TITLE in text
