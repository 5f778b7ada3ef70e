"""Many event pages at once, for query-count tests at scale (issue 7, "Performance": the same query count at 10 and
500 events).

Creating a Wagtail page the normal way (``add_child``: tree update, full_clean, log entry, search and reference
index tasks) costs about 0.1 s, so 500 of them would take a minute. :func:`bulk_event_pages` writes the rows
directly instead: the ``wagtailcore_page`` rows in one ``bulk_create`` with treebeard paths computed here, then
one INSERT per ``events_eventpage`` row (``save_base(raw=True)``: Django cannot bulk-create a multi-table child).
The pages are live, public, of the parent's locale, and have no revisions, search entries or log entries, which
nothing read by the views under test needs.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page

from events.models import EventPage


def bulk_event_pages(parent, count: int, *, host_communities=(), audience_communities=(), **fields) -> list[int]:
    """Create ``count`` live EventPages under ``parent`` (an EventIndexPage) with ``fields`` (defaults: a two-hour
    public meeting in Europe/Belgrade, starting one to ``count`` days from now); return their pks."""
    parent = Page.objects.get(pk=parent.pk)
    content_type = ContentType.objects.get_for_model(EventPage)
    last = parent.get_last_child()
    first_step = (Page._str2int(last.path[-Page.steplen :]) if last else 0) + 1
    now = timezone.now().replace(microsecond=0)
    token = f"{now:%H%M%S}{first_step}"
    pages = []
    for index in range(count):
        slug = f"bulk-{token}-{index}"
        pages.append(
            Page(
                title=f"Bulk event {index}",
                draft_title=f"Bulk event {index}",
                slug=slug,
                path=Page._get_path(parent.path, parent.depth + 1, first_step + index),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                content_type=content_type,
                locale_id=parent.locale_id,
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
        )
    Page.objects.bulk_create(pages)
    created = Page.objects.filter(path__in=[page.path for page in pages]).values_list("path", "pk")
    pk_by_path = dict(created)
    pks = []
    for index, page in enumerate(pages):
        starts_at = now + timedelta(days=index + 1)
        values = {
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "timezone": "Europe/Belgrade",
            "city": "Belgrade",
            "summary": "A bulk-created meeting.",
            **fields,
        }
        pk = pk_by_path[page.path]
        event = EventPage(page_ptr_id=pk, **values)
        event.save_base(raw=True, force_insert=True)
        pks.append(pk)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)
    if host_communities:
        through = EventPage.host_communities.through
        through.objects.bulk_create(
            [through(eventpage_id=pk, community_id=c.pk) for pk in pks for c in host_communities]
        )
    if audience_communities:
        through = EventPage.audience_communities.through
        through.objects.bulk_create(
            [through(eventpage_id=pk, community_id=c.pk) for pk in pks for c in audience_communities]
        )
    return pks
