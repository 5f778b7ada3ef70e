"""The organisers' pages of an event: a permission matrix over every organiser URL, the registrations list (personal
data, private and no-store; actions through the service with its messages), and the list's query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import EventMaterial, EventMinutes, RegistrationChange, RegistrationQuestion, RegistrationStatus
from tests.events.factories import RegistrationFactory, material
from tests.events.outcome_world import ROLES, build_world, client_for, sub_url, use_material_storage
from tests.portal.factories_accounts import UserFactory

pytestmark = pytest.mark.django_db

ORGANISERS = {"coordinator", "staff"}


@pytest.fixture
def storage(tmp_path, settings, monkeypatch):
    return use_material_storage(tmp_path, settings, monkeypatch)


@pytest.fixture
def world(events_index, storage):
    return build_world(events_index)


def outcome(response):
    if response.status_code == 302:
        return "login" if response["Location"].startswith("/accounts/login/") else "done"
    return response.status_code


def _expected(role, organiser_answer, not_organiser=403):
    if role == "anonymous":
        return "login"
    return organiser_answer if role in ORGANISERS else not_organiser


# (id, method, route name, args builder, data builder, answer for organisers)
CASES = [
    ("registrations", "get", "organiser_registrations", lambda w: [], None, 200),
    (
        "confirm",
        "post",
        "organiser_registration_action",
        lambda w: [w["registrations"]["waitlisted"].pk, "confirm"],
        lambda w: {},
        "done",
    ),
    (
        "cancel",
        "post",
        "organiser_registration_action",
        lambda w: [w["registrations"]["registrant"].pk, "cancel"],
        lambda w: {},
        "done",
    ),
    ("registrations_csv", "get", "organiser_registrations_export", lambda w: ["csv"], None, 200),
    ("registrations_xlsx", "get", "organiser_registrations_export", lambda w: ["xlsx"], None, 200),
    ("attendance_csv", "get", "organiser_attendance_export", lambda w: ["csv"], None, 200),
    ("attendance_xlsx", "get", "organiser_attendance_export", lambda w: ["xlsx"], None, 200),
    ("attendance", "get", "organiser_attendance", lambda w: [], None, 200),
    (
        "attendance_post",
        "post",
        "organiser_attendance",
        lambda w: [],
        lambda w: {f"attendance-{w['registrations']['registrant'].pk}": "attended"},
        "done",
    ),
    ("minutes", "get", "organiser_minutes", lambda w: [], None, 200),
    (
        "minutes_post",
        "post",
        "organiser_minutes",
        lambda w: [],
        lambda w: {"body": "Agreed.", "visibility": "public", "action": "approve"},
        "done",
    ),
    ("materials", "get", "organiser_materials", lambda w: [], None, 200),
    (
        "materials_post",
        "post",
        "organiser_materials",
        lambda w: [],
        lambda w: {
            "add": "link",
            "link-title": "Recording",
            "link-kind": "recording",
            "link-visibility": "public",
            "link-url": "https://video.example/rec",
            "link-request_token": "x1",
        },
        "done",
    ),
    (
        "material_delete",
        "post",
        "organiser_material_delete",
        lambda w: [material(w["event"]).pk],
        lambda w: {},
        "done",
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("case", "method", "name", "args", "data", "answer"), CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(world, role, case, method, name, args, data, answer):
    url = sub_url(world["event"], name, *args(world))
    client = client_for(world, role)
    response = client.post(url, data(world)) if method == "post" else client.get(url)
    assert outcome(response) == _expected(role, answer), (role, case)
    if role in ORGANISERS and response.status_code == 200:
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["outsider", "registrant", "other_coordinator"])
def test_members_only_event_answers_404_to_people_who_may_not_see_it(events_index, storage, role):
    world = build_world(events_index, audience="members")
    response = client_for(world, role).get(sub_url(world["event"], "organiser_registrations"))
    assert response.status_code == 404


def test_refused_posts_change_nothing(world):
    registration = world["registrations"]["registrant"]
    for role in ["anonymous", "outsider", "registrant", "member", "other_coordinator"]:
        client = client_for(world, role)
        client.post(sub_url(world["event"], "organiser_registration_action", registration.pk, "cancel"))
        client.post(sub_url(world["event"], "organiser_minutes"), {"body": "x", "visibility": "public"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert not EventMinutes.objects.exists()
    assert not EventMaterial.objects.exists()


def test_action_urls_refuse_get_and_unknown_registrations(world):
    client = client_for(world, "coordinator")
    registration = world["registrations"]["registrant"]
    assert (
        client.get(sub_url(world["event"], "organiser_registration_action", registration.pk, "cancel")).status_code
        == 405
    )
    assert client.post(sub_url(world["event"], "organiser_registration_action", 999999, "cancel")).status_code == 404


# --- The registrations list ------------------------------------------------------------------------------------


def test_list_shows_personal_data_to_organisers_with_waitlist_order(world):
    event = world["event"]
    event.ask_dietary = True
    event.save()
    question = RegistrationQuestion.objects.create(page=event, label="Which platform do you use?")
    world["registrations"]["registrant"].accessibility_needs = "Step-free access"
    world["registrations"]["registrant"].dietary_needs = "Vegetarian"
    world["registrations"]["registrant"].answers = {str(question.pk): "integritywatch.mk"}
    world["registrations"]["registrant"].save()
    second = RegistrationFactory(
        event=event, status=RegistrationStatus.WAITLISTED, user=UserFactory(first_name="Zoran")
    )
    response = client_for(world, "coordinator").get(sub_url(event, "organiser_registrations"))
    text = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "Rina Registrant",
        world["users"]["registrant"].email,
        "TI Macedonia",
        "Step-free access",
        "Vegetarian",
        "Which platform do you use?",
        "integritywatch.mk",
        "No. 1 on the waitlist",
        "No. 2 on the waitlist",
        "1 confirmed, 2 on the waitlist, 0 cancelled.",
    ]:
        assert expected in text, expected
    assert text.index("Vesna Waiting") < text.index(second.user.email)
    assert "noindex" in text
    assert "no-store" in response["Cache-Control"]


def test_confirm_from_the_list_goes_through_the_service_and_is_logged(world):
    waiting = world["registrations"]["waitlisted"]
    client = client_for(world, "coordinator")
    response = client.post(sub_url(world["event"], "organiser_registration_action", waiting.pk, "confirm"), follow=True)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert RegistrationChange.objects.filter(registration=waiting, action="confirmed", by=world["users"]["coordinator"])
    assert "Vesna Waiting is confirmed." in response.content.decode()


def test_the_services_refusal_is_shown(world):
    """Moving a confirmed person to the waitlist with nobody waiting is refused by the service: the list says why."""
    world["registrations"]["waitlisted"].delete()
    registration = world["registrations"]["registrant"]
    response = client_for(world, "coordinator").post(
        sub_url(world["event"], "organiser_registration_action", registration.pk, "waitlist"), follow=True
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "Nobody is on the waitlist to take this seat" in response.content.decode()


def test_organiser_pages_work_from_a_translated_page(world, storage):
    """An alias of the event in another locale shows the same registrations (they belong to the English page)."""
    from wagtail.models import Locale

    mk = Locale.objects.get_or_create(language_code="mk")[0]
    alias = world["event"].copy_for_translation(mk, copy_parents=True, alias=True)
    assert alias.live and alias.canonical().pk == world["event"].pk
    url = sub_url(alias, "organiser_registrations")
    assert url.startswith("/mk/")
    response = client_for(world, "coordinator").get(url)
    assert response.status_code == 200
    assert "Rina Registrant" in response.content.decode()


def _list_queries(world, count: int) -> int:
    event = world["event"]
    question = RegistrationQuestion.objects.create(page=event, label="Question")
    for n in range(count):
        RegistrationFactory(
            event=event,
            status=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED][n % 3],
            answers={str(question.pk): f"answer {n}"},
        )
    client = client_for(world, "coordinator")
    url = sub_url(event, "organiser_registrations")
    client.get(url)  # warm caches (site root paths, locales)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("answer ") == count
    return len(queries)


def test_registrations_list_query_count_is_flat(events_index, storage):
    few = _list_queries(build_world(events_index, slug="few"), 3)
    many = _list_queries(build_world(events_index, slug="many", title="Many"), 30)
    assert few == many


def _queries(client, url) -> int:
    client.get(url)  # warm caches (site root paths, locales)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["organiser_attendance", "organiser_materials"])
def test_attendance_and_materials_pages_query_count_is_flat(events_index, storage, page):
    counts = []
    for count, slug in ((3, "few"), (30, "many")):
        world = build_world(events_index, slug=slug, title=slug)
        for _ in range(count):
            RegistrationFactory(event=world["event"])
            material(world["event"])
        counts.append(_queries(client_for(world, "coordinator"), sub_url(world["event"], page)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", ["anonymous", "registrant", "coordinator"])
def test_outcomes_block_query_count_is_flat(events_index, storage, role):
    from tests.events.outcome_world import outcomes_html

    counts = []
    for count, slug in ((3, "few"), (30, "many")):
        world = build_world(events_index, slug=slug, title=slug)
        for n in range(count):
            material(world["event"], title=f"Material {n}", visibility=["public", "members", "registrants"][n % 3])
        outcomes_html(world, role)
        with CaptureQueriesContext(connection) as queries:
            html = outcomes_html(world, role)
        assert "Material 0" in html
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_outcomes_block_links_organisers_to_their_pages_and_is_empty_for_others(world):
    from tests.events.outcome_world import outcomes_html

    event = world["event"]
    names = ["organiser_registrations", "organiser_attendance", "organiser_minutes", "organiser_materials"]
    for role in ("coordinator", "staff"):
        html = outcomes_html(world, role)
        assert all(sub_url(event, name) in html for name in names), role
        assert "After the event" not in html  # nothing left behind yet: only the organisers' links
    for role in ("anonymous", "outsider", "registrant", "member", "other_coordinator"):
        assert outcomes_html(world, role).strip() == "", role
