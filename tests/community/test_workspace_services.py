"""community.services.workspace: who may do what, what is stored, the notifications each service writes, and
replays of the same form (one row for a double click)."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import (
    Announcement,
    CommunityDocument,
    MemberRole,
    Membership,
    Notification,
    Post,
    PostFlag,
    Thread,
    Visibility,
)
from community.services import workspace as services
from portal.notifications.models import OutboxMessage
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.workspace_factories import PostFactory, ThreadFactory, use_document_storage
from tests.grants.files_samples import HTML, pdf_bytes, upload
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(tmp_path, settings, monkeypatch):
    return use_document_storage(tmp_path, settings, monkeypatch)


@pytest.fixture
def mk():
    RCPFactory()
    return dag("MK")


def stored_files(storage) -> list[Path]:
    return [path for path in Path(storage.location).rglob("*") if path.is_file()]


def notified(kind, **item):
    return set(Notification.objects.filter(kind=kind, **item).values_list("recipient_id", flat=True))


# --- Documents -------------------------------------------------------------------------------------------------


def test_share_document_stores_the_checked_file_and_notifies_the_other_members(mk, storage):
    member, other = community_member(mk), community_member(mk)
    outsider_dag_member = community_member(dag("RS"))
    document = services.share_document(
        user=member,
        community=mk,
        uploaded_file=upload("../Извештај  2025.PDF", pdf_bytes()),
        title="  Annual report ",
        description="Draft",
        language="mk",
        visibility=Visibility.MEMBERS,
    )
    assert document.title == "Annual report"
    assert document.original_name == "Извештај 2025.pdf"
    assert document.content_type == "application/pdf"
    assert storage.exists(document.file.name)
    assert not document.file.name.endswith(".pdf")  # the storage key is random, never the user's name
    assert notified(Notification.Kind.DOCUMENT, document=document) == {other.pk}
    assert outsider_dag_member.pk not in notified(Notification.Kind.DOCUMENT)


def test_observer_may_not_share_a_document(mk, storage):
    observer = community_member(mk, role=MemberRole.OBSERVER)
    with pytest.raises(PermissionDenied):
        services.share_document(
            user=observer, community=mk, uploaded_file=upload("a.pdf", pdf_bytes()), title="A", language="en"
        )
    assert not CommunityDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("page.html", HTML, "type_not_allowed"),
        ("page.pdf", HTML, "type_mismatch"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_files_write_nothing(mk, storage, name, data, code):
    member = community_member(mk)
    with pytest.raises(ValidationError) as excinfo:
        services.share_document(user=member, community=mk, uploaded_file=upload(name, data), title="T", language="en")
    assert excinfo.value.code == code
    assert not CommunityDocument.objects.exists()
    assert not Notification.objects.exists()
    assert stored_files(storage) == []


def test_a_file_over_the_community_limit_is_refused(mk, storage, settings):
    settings.COMMUNITY_DOCUMENT_MAX_BYTES = 1024
    member = community_member(mk)
    with pytest.raises(ValidationError) as excinfo:
        services.share_document(
            user=member, community=mk, uploaded_file=upload("big.pdf", pdf_bytes(pages=20)), title="T", language="en"
        )
    assert excinfo.value.code == "too_large"


def test_the_same_upload_token_shares_one_document(mk, storage):
    member = community_member(mk)
    community_member(mk)
    first = services.share_document(
        user=member, community=mk, uploaded_file=upload("a.pdf", pdf_bytes()), title="A", request_token="tok-1"
    )
    again = services.share_document(
        user=member, community=mk, uploaded_file=upload("a.pdf", pdf_bytes()), title="A", request_token="tok-1"
    )
    assert again.pk == first.pk
    assert CommunityDocument.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.DOCUMENT).count() == 1
    assert len(stored_files(storage)) == 1


def test_unknown_language_or_visibility_is_refused(mk, storage):
    member = community_member(mk)
    for fields in ({"language": "xx"}, {"language": "en", "visibility": "everyone"}):
        with pytest.raises(ValidationError):
            services.share_document(
                user=member, community=mk, uploaded_file=upload("a.pdf", pdf_bytes()), title="A", **fields
            )


# --- Threads and replies ---------------------------------------------------------------------------------------


def test_start_thread_writes_thread_first_post_and_thread_notifications(mk):
    author, other = community_member(mk, role=MemberRole.OBSERVER), community_member(mk)
    thread = services.start_thread(user=author, community=mk, title="Datasets", body="<p>Which?</p>")
    assert thread.posts.get().body == "<p>Which?</p>"
    assert thread.last_post_at is not None
    assert notified(Notification.Kind.THREAD, thread=thread) == {other.pk}


def test_script_in_a_post_is_removed_before_it_is_stored(mk):
    author = community_member(mk)
    thread = services.start_thread(
        user=author, community=mk, title="<b>T</b>", body='<p onclick="x()">Hi<script>alert(1)</script></p>'
    )
    body = thread.posts.get().body
    assert "script" not in body and "onclick" not in body and "alert" not in body
    assert body == "<p>Hi</p>"
    assert thread.title == "<b>T</b>"  # titles are plain text: kept as typed, escaped by templates


def test_a_post_that_is_only_a_script_is_refused(mk):
    author = community_member(mk)
    with pytest.raises(ValidationError) as excinfo:
        services.start_thread(user=author, community=mk, title="T", body="<script>alert(1)</script>")
    assert excinfo.value.code == "required"
    assert not Thread.objects.exists()


def test_reply_notifies_and_moves_last_post(mk):
    author, replier = community_member(mk), community_member(mk)
    thread = services.start_thread(user=author, community=mk, title="T", body="First")
    before = thread.last_post_at
    post = services.reply(user=replier, thread=thread, body="Second")
    thread.refresh_from_db()
    assert thread.last_post_at == post.created_at >= before
    assert notified(Notification.Kind.REPLY, post=post) == {author.pk}


def test_rcp_thread_notifies_dag_members_too(mk):
    rcp = RCPFactory()
    rcp_coordinator = community_member(rcp, role=MemberRole.COORDINATOR)
    dag_member = community_member(mk)
    thread = services.start_thread(user=rcp_coordinator, community=rcp, title="Regional", body="Hello")
    assert dag_member.pk in notified(Notification.Kind.THREAD, thread=thread)


def test_double_submitted_reply_creates_one_post(mk):
    author, replier = community_member(mk), community_member(mk)
    thread = services.start_thread(user=author, community=mk, title="T", body="First")
    one = services.reply(user=replier, thread=thread, body="Yes", request_token="click")
    two = services.reply(user=replier, thread=thread, body="Yes", request_token="click")
    assert one.pk == two.pk
    assert Post.objects.filter(thread=thread).count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.REPLY).count() == 1


def test_same_token_on_another_thread_is_another_post(mk):
    author = community_member(mk)
    first = services.start_thread(user=author, community=mk, title="A", body="a")
    second = services.start_thread(user=author, community=mk, title="B", body="b")
    services.reply(user=author, thread=first, body="x", request_token="same")
    services.reply(user=author, thread=second, body="x", request_token="same")
    assert Post.objects.filter(request_token="same").count() == 2


def test_double_submitted_thread_creates_one_thread(mk):
    author = community_member(mk)
    one = services.start_thread(user=author, community=mk, title="T", body="b", request_token="tok")
    two = services.start_thread(user=author, community=mk, title="T", body="b", request_token="tok")
    assert one.pk == two.pk and Thread.objects.count() == 1 and Post.objects.count() == 1


def test_non_members_may_not_post(mk):
    thread = ThreadFactory(community=mk)
    for user in (community_member(dag("RS")), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.reply(user=user, thread=thread, body="Hi")
        with pytest.raises(PermissionDenied):
            services.start_thread(user=user, community=mk, title="T", body="b")
    assert Post.objects.count() == 0


# --- Closing, flags --------------------------------------------------------------------------------------------


def test_coordinator_closes_thread_with_clean_conclusion_and_it_takes_no_replies(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    thread = services.start_thread(user=member, community=mk, title="T", body="b")
    closed = services.close_thread(user=coordinator, thread=thread, conclusion="<p>Done<script>x</script></p>")
    assert closed.status == Thread.Status.CLOSED and closed.conclusion == "<p>Done</p>"
    assert closed.closed_by == coordinator and closed.closed_at
    with pytest.raises(ValidationError) as excinfo:
        services.reply(user=member, thread=thread, body="Late")
    assert excinfo.value.code == "closed"
    again = services.close_thread(user=coordinator, thread=thread, conclusion="Other")
    assert again.conclusion == "<p>Done</p>"  # a repeated form changes nothing


def test_members_may_not_close_a_thread(mk):
    member = community_member(mk)
    thread = services.start_thread(user=member, community=mk, title="T", body="b")
    with pytest.raises(PermissionDenied):
        services.close_thread(user=member, thread=thread, conclusion="Done")


def test_empty_conclusion_is_refused(mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    thread = ThreadFactory(community=mk)
    with pytest.raises(ValidationError):
        services.close_thread(user=coordinator, thread=thread, conclusion="<p> </p>")


def test_flag_once_per_post_mails_the_coordinators(mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    author, reporter = community_member(mk), community_member(mk, role=MemberRole.OBSERVER)
    post = PostFactory(thread=ThreadFactory(community=mk), author=author)
    flag = services.flag_post(user=reporter, post=post, reason="Insulting")
    assert flag.reason == "Insulting" and flag.resolved_at is None
    mails = OutboxMessage.objects.filter(template="community_post_flagged")
    assert list(mails.values_list("recipient", flat=True)) == [coordinator.email]
    assert post.thread.title in mails.get().body_text and "Insulting" not in mails.get().body_text
    with pytest.raises(ValidationError) as excinfo:
        services.flag_post(user=reporter, post=post, reason="Again")
    assert excinfo.value.code == "already_flagged"
    assert PostFlag.objects.count() == 1


def test_own_post_and_empty_reason_and_outsiders_are_refused(mk):
    author = community_member(mk)
    post = PostFactory(thread=ThreadFactory(community=mk), author=author)
    with pytest.raises(ValidationError):
        services.flag_post(user=author, post=post, reason="Mine")
    with pytest.raises(ValidationError):
        services.flag_post(user=community_member(mk), post=post, reason="  ")
    with pytest.raises(PermissionDenied):
        services.flag_post(user=community_member(dag("RS")), post=post, reason="Spam")
    assert not PostFlag.objects.exists()


def test_only_coordinators_resolve_flags(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    post = PostFactory(thread=ThreadFactory(community=mk), author=community_member(mk))
    flag = services.flag_post(user=member, post=post, reason="Spam")
    with pytest.raises(PermissionDenied):
        services.resolve_flag(user=member, flag=flag)
    resolved = services.resolve_flag(user=coordinator, flag=flag)
    assert resolved.resolved_at and resolved.resolved_by == coordinator


# --- Announcements ---------------------------------------------------------------------------------------------


def test_coordinator_announces_and_members_are_notified(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    announcement = services.announce(
        user=coordinator, community=mk, title="Meeting", body="<p>Monday<img src=x onerror=alert(1)></p>"
    )
    assert announcement.body == "<p>Monday</p>"
    assert notified(Notification.Kind.ANNOUNCEMENT, announcement=announcement) == {member.pk}


def test_members_may_not_announce_and_replays_publish_once(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    with pytest.raises(PermissionDenied):
        services.announce(user=member, community=mk, title="T", body="b")
    services.announce(user=coordinator, community=mk, title="T", body="b", request_token="once")
    services.announce(user=coordinator, community=mk, title="T", body="b", request_token="once")
    assert Announcement.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.ANNOUNCEMENT).count() == 1


def test_former_members_are_not_notified(mk):
    coordinator, former = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    Membership.objects.filter(user=former).update(ended_on=timezone.now().date(), end_reason="left")
    services.announce(user=coordinator, community=mk, title="T", body="b")
    assert former.pk not in notified(Notification.Kind.ANNOUNCEMENT)
