"""Discussions and announcements through their pages: script shown harmlessly, replies, closing with a conclusion,
reports seen only by coordinators, double submits."""

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Announcement, MemberRole, Post, PostFlag, Thread
from community.services import workspace as services
from tests.community.community_factories import RCPFactory, community_member, dag
from tests.community.workspace_factories import AnnouncementFactory, PostFactory, PostFlagFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mk():
    RCPFactory()
    return dag("MK")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def thread_url(thread):
    return reverse("workspace:thread_detail", args=[thread.community.slug, thread.pk])


def test_script_in_a_post_is_stripped_and_shown_harmlessly(mk):
    member = community_member(mk)
    client = signed_in(member)
    response = client.post(
        reverse("workspace:thread_new", args=[mk.slug]),
        {"title": "<script>alert('t')</script>Datasets", "body": "Hello <script>alert('p')</script><b>all</b>"},
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.posts.get().body == "<p>Hello <b>all</b></p>"
    page = client.get(thread_url(thread)).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;Datasets" in page  # the title is text, escaped
    assert "Hello <b>all</b>" in page


def test_stored_unclean_html_is_cleaned_again_on_output(mk):
    """Defence in depth: a body written around the services (an import, the admin) is still cleaned when shown."""
    member = community_member(mk)
    post = PostFactory(
        thread=ThreadFactory(community=mk), body='<p>Hi</p><img src=x onerror="alert(1)"><script>x()</script>'
    )
    page = signed_in(member).get(thread_url(post.thread)).content.decode()
    assert "onerror" not in page and "x()" not in page and "<p>Hi</p>" in page


def test_plain_text_keeps_its_paragraphs(mk):
    member = community_member(mk)
    thread = ThreadFactory(community=mk)
    signed_in(member).post(thread_url(thread), {"body": "First line\nsecond line\n\nNew paragraph & more"})
    assert Post.objects.get(thread=thread).body == "<p>First line<br>second line</p>\n\n<p>New paragraph &amp; more</p>"


def test_reply_redirects_to_the_new_post_and_double_click_posts_once(mk):
    member = community_member(mk)
    thread = services.start_thread(user=member, community=mk, title="T", body="First")
    client = signed_in(member)
    data = {"body": "Agreed", "request_token": "same-click"}
    first = client.post(thread_url(thread), data)
    second = client.post(thread_url(thread), data)
    post = Post.objects.get(body="<p>Agreed</p>")
    assert first["Location"] == second["Location"] == f"{thread_url(thread)}?page=1#post-{post.pk}"
    assert thread.posts.count() == 2


def test_reply_form_carries_a_token(mk):
    thread = ThreadFactory(community=mk)
    page = signed_in(community_member(mk)).get(thread_url(thread)).content.decode()
    assert 'name="request_token"' in page and "Post reply" in page


def test_empty_reply_is_refused_on_the_page(mk):
    thread = ThreadFactory(community=mk)
    response = signed_in(community_member(mk)).post(thread_url(thread), {"body": "   "})
    assert response.status_code == 400 and not thread.posts.exists()


def test_coordinator_closes_and_the_thread_takes_no_replies(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    thread = services.start_thread(user=member, community=mk, title="T", body="First")
    page = signed_in(member).get(thread_url(thread)).content.decode()
    assert "Close the discussion" not in page
    response = signed_in(coordinator).post(
        reverse("workspace:thread_close", args=[mk.slug, thread.pk]),
        {"conclusion": "We chose <em>procurement</em>.<script>x</script>"},
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == Thread.Status.CLOSED and thread.conclusion == "<p>We chose <em>procurement</em>.</p>"
    client = signed_in(member)
    page = client.get(thread_url(thread)).content.decode()
    assert "We chose <em>procurement</em>." in page and "Post reply" not in page
    assert "it takes no more replies" in page
    response = client.post(thread_url(thread), {"body": "Late"}, follow=True)
    assert "it takes no more replies" in response.content.decode()
    assert thread.posts.count() == 1


def test_empty_conclusion_shows_the_error_with_the_form_open(mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    thread = ThreadFactory(community=mk)
    response = signed_in(coordinator).post(reverse("workspace:thread_close", args=[mk.slug, thread.pk]), {})
    assert response.status_code == 400
    assert '<details class="thread-close" open>' in response.content.decode()


def test_member_reports_a_post_once_and_only_coordinators_see_reports(mk):
    coordinator, author, reporter = (
        community_member(mk, role=MemberRole.COORDINATOR),
        community_member(mk),
        community_member(mk),
    )
    post = PostFactory(thread=ThreadFactory(community=mk), author=author)
    client = signed_in(reporter)
    response = client.post(reverse("workspace:post_flag", args=[mk.slug, post.pk]), {"reason": "Reason-token-81"})
    assert response.status_code == 302
    assert PostFlag.objects.get().reason == "Reason-token-81"
    page = client.get(thread_url(post.thread)).content.decode()
    assert "You reported this post" in page and "Reason-token-81" not in page
    again = client.post(reverse("workspace:post_flag", args=[mk.slug, post.pk]), {"reason": "Again"}, follow=True)
    assert "already reported" in again.content.decode() and PostFlag.objects.count() == 1
    assert "Reason-token-81" not in signed_in(author).get(thread_url(post.thread)).content.decode()
    coordinator_page = signed_in(coordinator).get(thread_url(post.thread)).content.decode()
    assert "Reason-token-81" in coordinator_page and "Mark resolved" in coordinator_page


def test_report_without_reason_reopens_the_form_with_the_error(mk):
    post = PostFactory(thread=ThreadFactory(community=mk), author=community_member(mk))
    response = signed_in(community_member(mk)).post(reverse("workspace:post_flag", args=[mk.slug, post.pk]), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<details class="thread-post__report" open>' in page and f'id="id_flag_{post.pk}_reason"' in page


def test_own_post_offers_no_report_form(mk):
    author = community_member(mk)
    post = PostFactory(thread=ThreadFactory(community=mk), author=author)
    page = signed_in(author).get(thread_url(post.thread)).content.decode()
    assert reverse("workspace:post_flag", args=[mk.slug, post.pk]) not in page


def test_threads_list_shows_replies_last_post_and_report_count_to_coordinators(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    thread = services.start_thread(user=member, community=mk, title="Which datasets", body="First")
    services.reply(user=coordinator, thread=thread, body="Second")
    post = services.reply(user=member, thread=thread, body="Third")
    PostFlagFactory(post=post, flagged_by=coordinator)
    address = reverse("workspace:threads", args=[mk.slug])
    page = signed_in(coordinator).get(address).content.decode()
    assert "Which datasets" in page and ">2</td>" in page
    assert "1 reported post waits for a coordinator." in page and "1 report" in page
    member_page = signed_in(member).get(address).content.decode()
    assert "reported post" not in member_page and "1 report" not in member_page


def test_coordinator_resolves_a_report(mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    flag = PostFlagFactory(post=PostFactory(thread=ThreadFactory(community=mk)), flagged_by=community_member(mk))
    response = signed_in(coordinator).post(reverse("workspace:flag_resolve", args=[mk.slug, flag.pk]))
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_by == coordinator


def test_report_of_another_dags_post_is_404(mk):
    rs_post = PostFactory(thread=ThreadFactory(community=dag("RS")))
    client = signed_in(community_member(mk))
    for slug in ("dag-mk", "dag-rs"):
        assert client.post(reverse("workspace:post_flag", args=[slug, rs_post.pk]), {"reason": "x"}).status_code == 404
    assert not PostFlag.objects.exists()


# --- Announcements ---------------------------------------------------------------------------------------------


def test_coordinator_publishes_an_announcement_members_read_it(mk):
    coordinator, member = community_member(mk, role=MemberRole.COORDINATOR), community_member(mk)
    address = reverse("workspace:announcements", args=[mk.slug])
    assert "Publish an announcement" not in signed_in(member).get(address).content.decode()
    response = signed_in(coordinator).post(address, {"title": "Meeting", "body": "Monday at 10", "request_token": "a"})
    assert response.status_code == 302
    assert Announcement.objects.get().body == "<p>Monday at 10</p>"
    page = signed_in(member).get(address).content.decode()
    assert "Meeting" in page and "Monday at 10" in page


def test_announcement_without_title_is_refused(mk):
    coordinator = community_member(mk, role=MemberRole.COORDINATOR)
    response = signed_in(coordinator).post(reverse("workspace:announcements", args=[mk.slug]), {"body": "x"})
    assert response.status_code == 400 and not Announcement.objects.exists()


def test_overview_shows_latest_items_and_counts(mk):
    member = community_member(mk)
    community_member(mk)
    AnnouncementFactory(community=mk, title="Announcement-token")
    ThreadFactory(community=mk, title="Thread-token")
    AnnouncementFactory(community=dag("RS"), title="Other DAG announcement")
    page = signed_in(member).get(reverse("workspace:home", args=[mk.slug])).content.decode()
    assert "Announcement-token" in page and "Thread-token" in page and "Other DAG announcement" not in page
    assert "2</strong> members" in page


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        ("Line <b>bold</b>\n\nNext", "<p>Line <b>bold</b></p>\n\n<p>Next</p>"),
        ("<p>Own</p><ul><li>list</li></ul>", "<p>Own</p><ul><li>list</li></ul>"),
        ('<a href="javascript:alert(1)">x</a>', '<p><a rel="noopener noreferrer nofollow">x</a></p>'),
    ],
)
def test_rich_text_area_keeps_layout_and_cleans(typed, stored):
    from community.forms_workspace import RichTextArea

    assert RichTextArea().clean(typed) == stored
