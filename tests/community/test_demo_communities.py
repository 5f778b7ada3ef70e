"""The communities demo (``portal.demo.communities``, part of ``load_demo``; issue 6 item 10): the RCP and the five
DAGs with their host partners, 10–15 fictional members each across the four sectors (names in Latin and Cyrillic
scripts), documents, a discussion per DAG, a closed dataset consultation per DAG with its recorded decision, one
bilateral exchange, public pages in every language; and running it again changes nothing.

The demo steps ``load_demo`` runs for the communities run once for the module (a home page, the communities and
their pages, the demo users, the workspace content, the locales and the page translations), inside a transaction
rolled back at the end. The whole command (menu, idempotency of everything) is tested in tests/portal/test_load_demo.
"""

import io
import re
from collections import Counter

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from pypdf import PdfReader

from community.models import (
    BallotChoice,
    BilateralExchange,
    Community,
    CommunityDecision,
    CommunityDocument,
    CommunityPage,
    Consultation,
    MemberRole,
    Membership,
    Sector,
    Thread,
    Visibility,
)
from portal.demo import communities, communities_pages, programme, site, translations, users
from portal.demo.builder import build_site, ensure_countries
from portal.demo.users import ensure_demo_users

FOUR_SECTORS = {Sector.PUBLIC_AUTHORITY, Sector.CIVIL_SOCIETY, Sector.MEDIA, Sector.ACADEMIA}
HOSTS = {
    "rcp": "Kosova Democratic Institute – Transparency International Kosova",
    "dag-ba": "Transparency International in Bosnia and Herzegovina",
    "dag-xk": "Kosova Democratic Institute – Transparency International Kosova",
    "dag-mk": "Transparency International – Macedonia",
    "dag-rs": "Transparency Serbia",
    "dag-tr": "Transparency International Türkiye",
}
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
REGIONAL_LATIN = re.compile(r"[ćčšžđëçğıİşöü]", re.IGNORECASE)
COMMUNITY_MODELS = [
    "Community",
    "Membership",
    "CommunityDocument",
    "Thread",
    "Post",
    "Announcement",
    "Consultation",
    "ConsultationOption",
    "Ballot",
    "BallotChoice",
    "ConsultationComment",
    "CommunityDecision",
    "BilateralExchange",
    "ExchangeParticipant",
    "Organisation",
    "CommunityPage",
    "CommunityIndexPage",
]


def load_communities_demo() -> dict:
    """What ``load_demo`` does for the communities; returns the page and translation counts of this run."""
    from portal.i18n import ensure_locales, sync_page_trees

    home = build_site(programme.HOME, []).pages[programme.HOME["slug"]]
    result = communities.ensure_communities(home, ensure_countries())
    ensure_demo_users()
    communities.ensure_community_content()
    ensure_locales()
    sync_page_trees(refresh_aliases=False)
    written = communities.translate_community_pages(result.index, force=bool(result.created or result.updated))
    return {"created": result.created, "updated": result.updated, "translations": written}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            cache.clear()
            output = load_communities_demo()
            yield output
            transaction.set_rollback(True)
        cache.clear()


@pytest.fixture
def demo_db(demo, db):
    return demo


def dags():
    return Community.objects.dags().select_related("host_organisation", "country")


def active(community):
    return Membership.objects.active().filter(community=community).select_related("user")


def counts() -> dict:
    return {name: apps.get_model("community", name).objects.count() for name in COMMUNITY_MODELS}


def test_the_rcp_and_five_dags_with_their_host_partners(demo_db):
    assert Community.objects.rcp().count() == 1
    assert [c.country.code for c in dags()] == ["BA", "XK", "MK", "RS", "TR"]
    for community in Community.objects.select_related("host_organisation"):
        assert community.host_organisation.legal_name == HOSTS[community.slug], community.slug
    # KDI hosts two communities but exists once.
    assert apps.get_model("community", "Organisation").objects.filter(legal_name=HOSTS["rcp"]).count() == 1
    assert Membership.objects.count() >= 50


def test_each_dag_has_10_to_15_members_across_the_four_sectors_and_a_coordinator_from_the_host(demo_db):
    for community in dags():
        members = list(active(community))
        assert 10 <= len(members) <= 15, (community.slug, len(members))
        assert FOUR_SECTORS <= {m.sector for m in members}, community.slug
        coordinators = [m for m in members if m.role == MemberRole.COORDINATOR]
        assert any(m.organisation == community.host_organisation.legal_name for m in coordinators), community.slug


def test_members_are_fictional_demo_accounts_with_regional_names_in_both_scripts(demo_db):
    names = [f"{m.user.first_name} {m.user.last_name}" for m in Membership.objects.select_related("user")]
    assert sum(bool(CYRILLIC.search(name)) for name in names) >= 10
    assert sum(bool(REGIONAL_LATIN.search(name)) for name in names) >= 10
    assert "Марија Стојановска" in names and "Ненад Јовановић" in names
    fictional = Membership.objects.filter(user__email__iendswith="@" + communities.MEMBERS_DOMAIN)
    assert fictional.count() >= 60
    assert not any(m.user.has_usable_password() for m in fictional.select_related("user"))
    for membership in Membership.objects.select_related("user"):
        assert membership.user.email.endswith(users.DEMO_DOMAIN), membership.user.email


def test_consents_vary_within_each_dag(demo_db):
    for community in dags():
        members = list(active(community))
        assert any(not m.consent_public_name for m in members), community.slug
        assert any(m.consent_public_name and not m.consent_public_organisation for m in members), community.slug
        assert any(m.consent_public_name and m.consent_public_organisation and m.consent_public_sector for m in members)
        assert all(m.expertise.exists() for m in members), community.slug


def test_a_former_member_keeps_their_history_but_is_not_active(demo_db):
    former = Membership.objects.filter(ended_on__isnull=False)
    assert former.exists()
    assert not Membership.objects.active().filter(pk__in=former).exists()


def test_demo_logins_coordinate_and_belong_to_dag_north_macedonia_unlisted(demo_db):
    mk = Community.objects.get(slug="dag-mk")
    emails = {role.key: role.email for role in users.ROLES}
    coordinator = active(mk).get(user__email=emails["dag_coordinator"])
    member = active(mk).get(user__email=emails["dag_member"])
    assert coordinator.role == MemberRole.COORDINATOR and member.role == MemberRole.MEMBER
    assert not coordinator.consent_public_name and not member.consent_public_name


def test_each_community_has_documents_one_of_them_public_and_real_pdfs(demo_db):
    for community in Community.objects.all():
        documents = CommunityDocument.objects.filter(community=community, exchange__isnull=True)
        assert 2 <= documents.count() <= 3, community.slug
        assert documents.filter(visibility=Visibility.PUBLIC).count() == 1, community.slug
        for document in documents:
            assert document.created_at.year < 2026
            with document.file.open("rb") as handle:
                reader = PdfReader(handle)
                assert len(reader.pages) == 1
                assert "Demo document" in reader.pages[0].extract_text() or "Summary" in reader.pages[0].extract_text()
            assert document.size_bytes == document.file.size


def test_each_dag_has_a_discussion_with_three_or_four_posts_and_an_announcement(demo_db):
    for community in dags():
        thread = Thread.objects.get(community=community)
        posts = list(thread.posts.order_by("created_at"))
        assert 3 <= len(posts) <= 4
        assert thread.last_post_at == posts[-1].created_at
        assert posts[0].created_at.year == 2024
        assert community.announcements.count() == 1


def test_each_dag_has_a_closed_consultation_with_ballots_and_its_recorded_decision(demo_db):
    for community in dags():
        consultation = Consultation.objects.get(community=community)
        assert consultation.is_closed()
        assert consultation.ballots.count() >= 7
        decision = CommunityDecision.objects.get(community=community, consultation=consultation)
        assert decision.decided_on > consultation.closes_at.date()
        # The decision names the option that won the count (Borda points for ranked, votes for single).
        points = Counter()
        n = consultation.options.count()
        for choice in BallotChoice.objects.filter(ballot__consultation=consultation).select_related("option"):
            points[choice.option.label] += (n - choice.rank + 1) if consultation.method == "ranked" else 1
        winner = points.most_common(1)[0][0]
        assert f"1. {winner}" in decision.decision, (community.slug, decision.decision)
        voters = set(consultation.ballots.values_list("voter_id", flat=True))
        observers = set(
            Membership.objects.filter(community=community, role=MemberRole.OBSERVER).values_list("user_id", flat=True)
        )
        assert not voters & observers


def test_one_bilateral_exchange_with_participants_from_both_dags(demo_db):
    exchange = BilateralExchange.objects.get()
    assert (exchange.host.slug, exchange.visiting.slug) == ("dag-mk", "dag-xk")
    sides = Counter(exchange.participants.values_list("community__slug", flat=True))
    assert sides["dag-mk"] >= 2 and sides["dag-xk"] >= 2
    assert "<li>" in exchange.agenda and exchange.visit_report
    assert exchange.documents.filter(visibility=Visibility.MEMBERS).count() == 1


def test_public_pages_list_every_community_in_every_language(demo_db, client):
    index = client.get("/communities/").content.decode()
    assert index.count('class="card__title"') == 6
    for page in CommunityPage.objects.live().filter(locale__language_code="en").select_related("community"):
        text = client.get(page.url).content.decode()
        public = CommunityDocument.objects.public().get(community=page.community, exchange__isnull=True)
        assert public.title in text, page.slug
        assert "Members listed" not in text  # that label is the index's
    mk = client.get("/mk/communities/dag-north-macedonia/").content.decode()
    assert "Домашна советодавна група – Северна Македонија" in mk
    assert "Марија Стојановска" in mk
    assert "Dario" not in mk  # the demo login is not listed
    tr = client.get("/tr/communities/").content.decode()
    assert "Topluluklar" in tr and "Bölgesel Uygulama Topluluğu" in tr


def test_the_menu_names_the_communities_index_in_every_language():
    """load_demo's menu opens the index (tests/portal/test_load_demo.py follows every menu item in every locale)."""
    assert ("Communities", "communities") in site.MENU_ITEMS
    for language in communities_pages.LANGUAGES:
        assert translations.MENU[language]["Communities"] not in ("", "Communities")


def test_every_community_page_string_has_a_translation(demo_db):
    from portal.i18n import source_strings

    index = apps.get_model("community", "CommunityIndexPage").objects.get(locale__language_code="en")
    pages = [index, *CommunityPage.objects.filter(locale__language_code="en")]
    hosts = {p.community.slug: p.community.host_organisation.legal_name for p in pages[1:]}
    for language in communities_pages.LANGUAGES:
        mapping = communities_pages.translations_for(language, hosts)
        for page in pages:
            missing = set(source_strings(page)) - set(mapping) - {page.slug}
            assert missing == set(), (language, page.slug, missing)


def test_the_first_run_created_and_translated_the_seven_pages(demo_db):
    assert demo_db == {"created": 7, "updated": 0, "translations": 35}


def test_running_the_demo_again_changes_nothing(demo_db):
    before = counts()
    again = load_communities_demo()
    assert counts() == before
    assert again == {"created": 0, "updated": 0, "translations": 0}


def test_the_demo_ballots_are_checked_against_who_may_vote():
    spec = {"ballots": [(3, [0])]}  # position 3 of DAG BiH is an observer
    with pytest.raises(ValueError, match="may not vote"):
        communities._check_voters("dag-ba", spec, {}, communities._moment("2024-03-22 16:00", "Europe/Sarajevo"))


def test_ranking_counts_borda_points_and_single_votes():
    options = ["a", "b", "c"]
    assert communities.ranking("ranked", options, [(0, [1, 0]), (1, [0, 2])]) == [("a", 5), ("b", 3), ("c", 2)]
    assert communities.ranking("single", options, [(0, [2]), (1, [2]), (2, [0])]) == [("c", 2), ("a", 1)]


def test_the_generated_pdf_is_a_valid_file_with_the_text():
    data = communities.pdf_document(["Scoping report (summary) – Türkiye", "Line two \\ done"])
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert "Scoping report (summary) - Turkiye" in text and "Line two \\ done" in text


def test_a_community_staff_renamed_is_found_again_not_duplicated(demo_db):
    """DAGs are found by their country (and the RCP by its kind), so a changed slug does not make a second one."""
    Community.objects.filter(slug="dag-mk").update(slug="dag-macedonia")
    before = counts()
    again = load_communities_demo()
    assert counts() == before
    assert again["created"] == 0
    page = CommunityPage.objects.get(locale__language_code="en", slug="dag-north-macedonia")
    assert page.community.slug == "dag-macedonia"
