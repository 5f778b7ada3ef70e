"""Discussion threads of a workspace (issue 6 item 4): list, start, read and reply, close with a conclusion,
report a post to the coordinators and resolve a report.

Threads come from :meth:`community.models.Thread.objects.visible_to` limited to the community in the URL, so a
thread of another community answers 404 whatever its id. Every member (observers too) may start threads, reply and
report posts; closing threads, seeing reports and resolving them is for coordinators (403 for other members).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import permissions
from ..forms_workspace import CloseThreadForm, FlagForm, ReplyForm, ThreadForm
from ..models import Post, PostFlag, Thread
from ..services import workspace as services
from .common import render_workspace, workspace_community, workspace_crumbs, workspace_view

#: Threads per page of the list; posts per page of a thread.
THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 50


def _count(queryset, group_by: str):
    """A subquery counting the rows of ``queryset`` (already filtered on ``OuterRef``), 0 when there are none."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def thread_rows(user, community, *, with_flags: bool):
    """Threads of ``community`` that ``user`` may see, newest activity first, annotated with ``post_count``,
    ``last_author_first_name``/``last_author_last_name`` and (``with_flags``) ``open_flags``. One query."""
    posts = Post.objects.filter(thread=OuterRef("pk"))
    last = posts.order_by("-created_at", "-pk")
    rows = (
        Thread.objects.visible_to(user)
        .filter(community=community)
        .select_related("created_by")
        .annotate(
            post_count=_count(posts, "thread"),
            last_author_first_name=Subquery(last.values("author__first_name")[:1]),
            last_author_last_name=Subquery(last.values("author__last_name")[:1]),
        )
        .order_by("-last_post_at", "-created_at", "-pk")
    )
    if with_flags:
        flags = PostFlag.objects.filter(post__thread=OuterRef("pk"), resolved_at__isnull=True)
        rows = rows.annotate(open_flags=_count(flags, "post__thread"))
    return rows


@require_safe
@workspace_view
def threads(request, slug: str):
    """The discussions: status, number of replies, last post; coordinators also see open reports."""
    community = workspace_community(request, slug)
    coordinator = permissions.can_coordinate(request.user, community)
    rows = thread_rows(request.user, community, with_flags=coordinator)
    page = Paginator(rows, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    open_flags = (
        PostFlag.objects.filter(post__thread__community=community, resolved_at__isnull=True).count()
        if coordinator
        else 0
    )
    context = {
        "page_obj": page,
        "open_flags": open_flags,
        "may_start": permissions.can_take_part(request.user, community),
        "current_title": _("Discussions"),
    }
    return render_workspace(request, "community/workspace/threads.html", community, "threads", context)


def _threads_crumbs(community, *extra):
    return workspace_crumbs(
        community, {"url": reverse("workspace:threads", args=[community.slug]), "title": _("Discussions")}, *extra
    )


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def thread_new(request, slug: str):
    """Start a discussion: a title and the first message (every member, observers too)."""
    community = workspace_community(request, slug)
    if not permissions.can_take_part(request.user, community):
        raise PermissionDenied
    if request.method == "POST":
        form = ThreadForm(request.POST)
        if form.is_valid():
            try:
                thread = services.start_thread(
                    user=request.user,
                    community=community,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    request_token=form.cleaned_data["request_token"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The discussion was started."))
                return redirect("workspace:thread_detail", community.slug, thread.pk)
    else:
        form = ThreadForm()
    context = {"form": form, "crumbs": _threads_crumbs(community), "current_title": _("Start a discussion")}
    status = 400 if form.is_bound else 200
    return render_workspace(request, "community/workspace/thread_new.html", community, "threads", context, status)


def _thread_or_404(request, community, pk: int) -> Thread:
    return get_object_or_404(
        Thread.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("community", "created_by", "closed_by"),
        pk=pk,
    )


def _post_page(post: Post) -> int:
    """The page of its thread on which ``post`` is shown."""
    earlier = (
        Post.objects.filter(thread_id=post.thread_id)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
    return earlier // POSTS_PER_PAGE + 1


def _post_url(community, post: Post) -> str:
    url = reverse("workspace:thread_detail", args=[community.slug, post.thread_id])
    return f"{url}?page={_post_page(post)}#post-{post.pk}"


def _flag_form(post_pk: int, data=None) -> FlagForm:
    return FlagForm(data, auto_id=f"id_flag_{post_pk}_%s")


def render_thread(request, community, thread: Thread, *, page_number=None, reply_form=None, close_form=None,
                  flag_error: tuple[int, FlagForm] | None = None, status: int = 200):  # fmt: skip
    """The thread page: conclusion, posts (``POSTS_PER_PAGE`` a page), reply form while open, report forms, and
    for coordinators the reports on each post and the close form. Query count independent of the posts shown."""
    user = request.user
    coordinator = permissions.can_coordinate(user, community)
    posts = thread.posts.select_related("author").order_by("created_at", "pk")
    if coordinator:
        flags = PostFlag.objects.select_related("flagged_by", "resolved_by").order_by("created_at", "pk")
        posts = posts.prefetch_related(Prefetch("flags", queryset=flags, to_attr="all_flags"))
    page = Paginator(posts, POSTS_PER_PAGE).get_page(page_number or request.GET.get("page"))
    mine = set(PostFlag.objects.filter(post__thread=thread, flagged_by=user).values_list("post_id", flat=True))
    is_open = thread.status == Thread.Status.OPEN
    if is_open and reply_form is None and permissions.can_take_part(user, community):
        reply_form = ReplyForm()
    if is_open and coordinator and close_form is None:
        close_form = CloseThreadForm()
    items = []
    for post in page:
        flag_form = None
        if post.author_id != user.pk and post.pk not in mine:
            flag_form = flag_error[1] if flag_error and flag_error[0] == post.pk else _flag_form(post.pk)
        items.append(
            {
                "post": post,
                "flag_form": flag_form,
                "flag_open": bool(flag_error and flag_error[0] == post.pk),
                "reported": post.pk in mine,
                "flags": getattr(post, "all_flags", []),
                "open_flags": sum(1 for flag in getattr(post, "all_flags", []) if flag.resolved_at is None),
            }
        )
    context = {
        "thread": thread,
        "items": items,
        "page_obj": page,
        "reply_form": reply_form if is_open else None,
        "close_form": close_form if is_open and coordinator else None,
        "open_flags": sum(item["open_flags"] for item in items),
        "crumbs": _threads_crumbs(community),
        "current_title": thread.title,
    }
    return render_workspace(request, "community/workspace/thread_detail.html", community, "threads", context, status)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def thread_detail(request, slug: str, pk: int):
    """Read a discussion (``?page=``); POST a reply (every member while the thread is open)."""
    community = workspace_community(request, slug)
    thread = _thread_or_404(request, community, pk)
    if request.method != "POST":
        return render_thread(request, community, thread)
    if not permissions.can_take_part(request.user, community):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            post = services.reply(
                user=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                request_token=form.cleaned_data["request_token"],
            )
        except ValidationError as error:
            if error.code == "closed":
                messages.error(request, error.messages[0])
                return redirect("workspace:thread_detail", community.slug, thread.pk)
            form.add_error("body", error)
        else:
            messages.success(request, _("Your reply was posted."))
            return redirect(_post_url(community, post))
    page_count = Paginator(thread.posts.all(), POSTS_PER_PAGE).num_pages
    return render_thread(request, community, thread, page_number=page_count, reply_form=form, status=400)


@require_POST
@workspace_view
def thread_close(request, slug: str, pk: int):
    """Close a discussion with a conclusion (coordinators; 403 for other members)."""
    community = workspace_community(request, slug)
    thread = _thread_or_404(request, community, pk)
    if not permissions.can_coordinate(request.user, community):
        raise PermissionDenied
    form = CloseThreadForm(request.POST)
    if form.is_valid():
        try:
            services.close_thread(user=request.user, thread=thread, conclusion=form.cleaned_data["conclusion"])
        except ValidationError as error:
            form.add_error("conclusion", error)
        else:
            messages.success(request, _("The discussion was closed."))
            return redirect("workspace:thread_detail", community.slug, thread.pk)
    return render_thread(request, community, thread, close_form=form, status=400)


def _post_or_404(request, community, pk: int) -> Post:
    return get_object_or_404(
        Post.objects.visible_to(request.user).filter(thread__community=community).select_related("thread__community"),
        pk=pk,
    )


@require_POST
@workspace_view
def post_flag(request, slug: str, pk: int):
    """Report post ``pk`` to the coordinators with a reason (every member, once per post, not one's own)."""
    community = workspace_community(request, slug)
    post = _post_or_404(request, community, pk)
    form = _flag_form(post.pk, request.POST)
    if form.is_valid():
        try:
            services.flag_post(user=request.user, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if error.code in ("already_flagged", "own_post"):
                messages.error(request, error.messages[0])
                return redirect(_post_url(community, post))
            form.add_error("reason", error)
        else:
            messages.success(request, _("Thank you. The coordinators will look at the post you reported."))
            return redirect(_post_url(community, post))
    thread = _thread_or_404(request, community, post.thread_id)
    return render_thread(
        request, community, thread, page_number=_post_page(post), flag_error=(post.pk, form), status=400
    )


@require_POST
@workspace_view
def flag_resolve(request, slug: str, pk: int):
    """Mark report ``pk`` resolved (coordinators; 403 for other members)."""
    community = workspace_community(request, slug)
    flag = get_object_or_404(
        PostFlag.objects.filter(
            post__in=Post.objects.visible_to(request.user).filter(thread__community=community)
        ).select_related("post__thread"),
        pk=pk,
    )
    if not permissions.can_coordinate(request.user, community):
        raise PermissionDenied
    services.resolve_flag(user=request.user, flag=flag)
    messages.success(request, _("The report was marked resolved."))
    return redirect(_post_url(community, flag.post))
