"""record_activity (issue 6 item 7): who gets an in-app notification of a new item, and the immediate mail.

Audience: the item's community's active members except the actor; for an RCP item every active DAG member too; for
a bilateral exchange's document the members of both DAGs. Never a member of another DAG, an outsider or a former
member. The immediate mail is sent once per item and recipient, even when the activity is recorded twice.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Frequency, Notification
from community.notifications import item_path, record_activity
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.notification_factories import (
    DocumentFactory,
    ExchangeFactory,
    end_membership,
    new_item,
    prefer,
)
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
KIND = Notification.Kind


def recipients_of(item_field: str, item) -> set[int]:
    return set(Notification.objects.filter(**{item_field: item}).values_list("recipient_id", flat=True))


@pytest.fixture
def world():
    """The RCP, two DAGs, their members and outsiders."""
    rcp, mk, rs = RCPFactory(), dag("MK"), dag("RS")
    people = {
        "actor": community_member(mk),
        "member": community_member(mk),
        "observer": community_member(mk, role="observer"),
        "coordinator": community_member(mk, role="coordinator"),
        "other_dag": community_member(rs),
        "rcp_only": community_member(rcp),
        "outsider": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }
    people["former"] = community_member(mk)
    end_membership(people["former"], mk, on=people["former"].date_joined.date())
    return rcp, mk, rs, people


@pytest.mark.parametrize("kind", [KIND.DOCUMENT, KIND.THREAD, KIND.REPLY, KIND.ANNOUNCEMENT])
def test_dag_item_reaches_its_members_but_not_the_actor_other_dags_outsiders_or_former_members(world, kind):
    _rcp, mk, _rs, people = world
    item = new_item(kind, mk, actor=people["actor"])
    field = {KIND.DOCUMENT: "document", KIND.THREAD: "thread", KIND.REPLY: "post", KIND.ANNOUNCEMENT: "announcement"}
    got = recipients_of(field[kind], item)
    assert got == {people[name].pk for name in ("member", "observer", "coordinator")}
    for name in ("actor", "other_dag", "rcp_only", "outsider", "staff", "former"):
        assert people[name].pk not in got, name
    assert set(Notification.objects.filter(recipient=people["member"]).values_list("community", flat=True)) == {mk.pk}


def test_rcp_item_reaches_every_active_dag_member_and_rcp_member_but_not_former_members(world):
    rcp, _mk, _rs, people = world
    thread = new_item(KIND.THREAD, rcp, actor=people["rcp_only"])
    got = recipients_of("thread", thread)
    wanted = {people[name].pk for name in ("actor", "member", "observer", "coordinator", "other_dag")}
    assert got == wanted
    assert Notification.objects.filter(thread=thread).values_list("community", flat=True).distinct().get() == rcp.pk


def test_exchange_document_reaches_both_dags_only(world):
    _rcp, mk, rs, people = world
    exchange = ExchangeFactory(host=mk, visiting=rs)
    document = DocumentFactory(community=mk, exchange=exchange, uploaded_by=people["actor"])
    record_activity(KIND.DOCUMENT, document, people["actor"])
    got = recipients_of("document", document)
    assert got == {people[name].pk for name in ("member", "observer", "coordinator", "other_dag")}
    assert people["rcp_only"].pk not in got


def test_immediate_mail_once_even_when_recorded_twice(world, django_capture_on_commit_callbacks, mailoutbox):
    _rcp, mk, _rs, people = world
    prefer(people["member"], Frequency.IMMEDIATE)
    prefer(people["observer"], Frequency.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        thread = new_item(KIND.THREAD, mk, actor=people["actor"], title="Budget transparency")
        again = record_activity(KIND.THREAD, thread, people["actor"])
    assert again == []  # nobody gets a second notification
    assert Notification.objects.filter(thread=thread).count() == 3
    messages = OutboxMessage.objects.filter(template="community_activity")
    assert [m.recipient for m in messages] == [people["member"].email]
    assert [m.to for m in mailoutbox] == [[people["member"].email]]
    emailed = Notification.objects.filter(thread=thread, emailed_at__isnull=False)
    assert list(emailed.values_list("recipient", flat=True)) == [people["member"].pk]


def test_the_dedupe_key_stops_a_second_mail_even_if_the_notification_was_written_again(world):
    _rcp, mk, _rs, people = world
    prefer(people["member"], Frequency.IMMEDIATE)
    thread = new_item(KIND.THREAD, mk, actor=people["actor"])
    Notification.objects.filter(thread=thread).delete()
    record_activity(KIND.THREAD, thread, people["actor"])
    assert Notification.objects.filter(thread=thread).count() == 3
    assert OutboxMessage.objects.filter(template="community_activity", recipient=people["member"].email).count() == 1


def test_the_immediate_mail_names_community_kind_title_actor_and_links_to_the_item(world):
    _rcp, mk, _rs, people = world
    people["actor"].first_name, people["actor"].last_name = "Марија", "Петровска"
    people["actor"].save()
    prefer(people["member"], Frequency.IMMEDIATE)
    document = new_item(KIND.DOCUMENT, mk, actor=people["actor"], title="Procurement red flags 2025")
    message = OutboxMessage.objects.get(template="community_activity")
    assert "Procurement red flags 2025" in message.subject
    assert "New document" in message.subject
    assert mk.short_name in message.subject
    for body in (message.body_text, message.body_html):
        assert mk.name in body
        assert "Марија Петровска" in body
        assert "Procurement red flags 2025" in body
        assert "http://testserver" + item_path(KIND.DOCUMENT, document) in body
        assert "/workspace/notifications/settings/" in body
    assert people["actor"].email not in message.body_text


def test_the_immediate_mail_speaks_the_recipients_language(world):
    _rcp, mk, _rs, people = world
    people["member"].preferred_language = "mk"
    people["member"].save()
    prefer(people["member"], Frequency.IMMEDIATE)
    new_item(KIND.ANNOUNCEMENT, mk, actor=people["actor"], title="Состанок")
    message = OutboxMessage.objects.get(template="community_activity")
    assert message.language == "mk"
    assert "/mk/workspace/" in message.body_text
    assert "Hello" not in message.body_text


def test_recording_costs_the_same_queries_for_ten_or_fifty_readers():
    mk = dag("MK")
    actor = community_member(mk)

    def queries_for(readers: int) -> int:
        community = dag("RS") if readers == 50 else mk
        for _ in range(readers):
            community_member(community)
        thread = new_item(KIND.THREAD, community, actor=None)
        with CaptureQueriesContext(connection) as ctx:
            record_activity(KIND.REPLY, thread.posts.create(body="x", author=actor), actor)
        return len(ctx)

    assert queries_for(10) == queries_for(50)


def test_unknown_kind_is_refused(world):
    _rcp, mk, _rs, people = world
    with pytest.raises(KeyError):
        record_activity("poll", DocumentFactory(community=mk), people["actor"])
