"""Demo communities (``load_demo``, issue 6 item 10): the RCP and the five DAGs with their host partners, public
pages, fictional members, documents, discussions, announcements, closed dataset consultations with their decisions,
and one bilateral exchange. Data: :mod:`portal.demo.communities_data`, :mod:`portal.demo.communities_content`,
:mod:`portal.demo.communities_pages`.

Two steps, because the main menu needs the index page and the members need the demo logins:

1. :func:`ensure_communities` (before the menu): host partners (found by legal name and country, or created), the
   six ``Community`` rows, the "Communities" index under the home page and one page per community.
2. :func:`ensure_community_content` (after :func:`portal.demo.users.ensure_demo_users`): members and everything
   in the workspaces; the demo logins ``dag_coordinator`` and ``dag_member`` join DAG North Macedonia.

Rows are written with the ORM (the demo is data, not a user's action: no notifications are sent). Every function is
idempotent: rows are found again by a natural key (community slug; user email; membership's community, user and
start date; document, thread, announcement title per community; consultation question; exchange's DAGs and first
day) and nothing is duplicated or changed on a second run. ``created_at`` fields (``auto_now_add``) are set to the
illustrative historical dates with ``update()`` after creating a row.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from wagtail.models import Locale, Page

from portal.slugs import transliterate_slug

from . import communities_content as content
from . import communities_data as data
from . import communities_pages as pages
from .blocks import stream
from .builder import ensure_countries
from .partners import CONSORTIUM
from .users import DEMO_DOMAIN, ROLES

MEMBERS_DOMAIN = f"dag.{DEMO_DOMAIN}"
CONSENTS = {
    data.FULL: (True, True, True),
    data.NAME: (True, False, False),
    data.NAME_ORG: (True, True, False),
    data.NAME_SECTOR: (True, False, True),
    data.NONE: (False, False, False),
}


def _model(label: str):
    return apps.get_model(label)


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _moment(text: str, zone: str) -> datetime.datetime:
    """``"YYYY-MM-DD"`` (09:00) or ``"YYYY-MM-DD HH:MM"`` local to ``zone``, as an aware datetime."""
    if len(text) == 10:
        text += " 09:00"
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def _backdate(instance, when: datetime.datetime, field: str = "created_at") -> None:
    """Set ``instance``'s ``auto_now_add`` field ``field`` to ``when`` (an ``update()``: no signals, no new value)."""
    type(instance).objects.filter(pk=instance.pk).update(**{field: when})
    setattr(instance, field, when)


# --- step 1: host partners, communities, pages --------------------------------------------------------------------


def ensure_host_partners(countries: dict) -> dict:
    """The host partners of :data:`communities_data.HOSTS` as ``Organisation`` rows, by short name.

    An organisation with the same legal name in the same country is reused (its local name and website are filled
    in only when empty); otherwise it is created from :data:`portal.demo.partners.CONSORTIUM`.
    """
    Organisation = _model("community.Organisation")
    by_short = {short: (name, local, website) for name, local, short, website, _text in CONSORTIUM}
    hosts = {}
    for short, code in data.HOSTS.items():
        name, local, website = by_short[short]
        organisation, created = Organisation.objects.get_or_create(
            legal_name=name,
            country=countries[code],
            defaults={"local_name": local, "website": website, "organisation_type": "association", "verified": True},
        )
        if not created and (not organisation.local_name or not organisation.website):
            organisation.local_name = organisation.local_name or local
            organisation.website = organisation.website or website
            organisation.save(update_fields=["local_name", "website"])
        hosts[short] = organisation
    return hosts


def find_communities(countries: dict) -> dict:
    """The demo's communities that exist, by the keys of :data:`communities_data.COMMUNITIES`: the RCP by its kind,
    each DAG by its country (so a community staff created under another slug is found, not duplicated)."""
    Community = _model("community.Community")
    found = {}
    for key, kind, code, *_rest in data.COMMUNITIES:
        rows = Community.objects.filter(kind=kind)
        community = rows.first() if code is None else rows.filter(country=countries[code]).first()
        if community is not None:
            found[key] = community
    return found


def ensure_community_rows(countries: dict, hosts: dict) -> dict:
    """The RCP and the five DAGs (existing ones are left as they are; missing ones are created with their facts);
    returns them by key."""
    Community = _model("community.Community")
    communities = find_communities(countries)
    for key, kind, code, name, short_name, host, zone, _language in data.COMMUNITIES:
        if key not in communities:
            communities[key] = Community.objects.create(
                slug=key,
                kind=kind,
                country=countries[code] if code else None,
                name=name,
                short_name=short_name,
                host_organisation=hosts[host],
                timezone=zone,
            )
    return communities


def _publish(page, values: dict) -> bool:
    """Set ``values`` on ``page``; publish a revision when something changed or it is not live. True if published."""
    from .builder import _stored

    changed = False
    for name, value in values.items():
        field_name = name[:-3] if name.endswith("_id") else name
        before = _stored(page, field_name)
        setattr(page, name, value)
        changed = changed or _stored(page, field_name) != before
    if changed or not page.live or page.has_unpublished_changes:
        page.save_revision(log_action=False).publish(log_action=False)
        return True
    return False


@dataclass
class PagesResult:
    """The index page and how many pages were created or given a new revision in this run."""

    index: Page
    created: int = 0
    updated: int = 0


def _page_fields(key: str, community) -> dict:
    if key == "rcp":
        return pages.rcp_page()
    host = community.host_organisation.legal_name if community.host_organisation else ""
    return pages.dag_page(key, host)


def ensure_community_pages(home, communities: dict) -> PagesResult:
    """The "Communities" index under ``home`` (slug ``communities``) and one page per community; published."""
    CommunityIndexPage = _model("community.CommunityIndexPage")
    CommunityPage = _model("community.CommunityPage")
    result = PagesResult(index=None)
    index = CommunityIndexPage.objects.child_of(home).filter(slug=pages.INDEX_SLUG).first()
    if index is None:
        index = home.add_child(
            instance=CommunityIndexPage(title=pages.INDEX_TITLE, slug=pages.INDEX_SLUG, locale=home.locale, live=False)
        )
        result.created += 1
    index.refresh_from_db()
    if _publish(index, {"title": pages.INDEX_TITLE, "intro": pages.INDEX_INTRO}) and result.created == 0:
        result.updated += 1
    for slug, community in communities.items():
        fields = _page_fields(slug, community)
        page_slug = pages.PAGE_SLUGS[slug]
        page = CommunityPage.objects.child_of(index).filter(slug=page_slug).first()
        created = page is None
        if created:
            page = index.add_child(
                instance=CommunityPage(
                    title=fields["title"], slug=page_slug, community=community, locale=index.locale, live=False
                )
            )
            result.created += 1
        page.refresh_from_db()
        values = {
            "title": fields["title"],
            "community_id": community.pk,
            "intro": fields["intro"],
            "body": stream(f"{page_slug}:body", fields["body"]),
            "how_to_take_part": fields["how_to_take_part"],
        }
        if _publish(page, values) and not created:
            result.updated += 1
    index.refresh_from_db()
    result.index = index
    return result


def ensure_communities(home, countries: dict) -> PagesResult:
    """Step 1: host partners, the six communities and their public pages under ``home`` (the English HomePage)."""
    hosts = ensure_host_partners(countries)
    communities = ensure_community_rows(countries, hosts)
    return ensure_community_pages(home, communities)


def _needs_translation(page, language: str, mapping: dict[str, str]) -> bool:
    """True unless ``page`` already has a real (not alias) translation into ``language`` whose title is the one in
    ``mapping`` (a cheap check that spares a new revision of every translated page on each run)."""
    target = page.get_translation_or_none(Locale.objects.get(language_code=language))
    if target is None or target.alias_of_id is not None:
        return True
    return target.title != mapping.get(page.title, page.title)


def translate_community_pages(index, force: bool = False) -> int:
    """Translate the index and the community pages into the five languages (after the page trees are synced).

    Uses :func:`portal.i18n.translate_instance` with :func:`communities_pages.translations_for`. A page already
    translated is left alone unless ``force`` (pass it when the English pages changed in this run). Returns how many
    page translations were written.
    """
    from portal.i18n import translate_instance

    CommunityPage = _model("community.CommunityPage")
    community_pages = list(CommunityPage.objects.child_of(index).select_related("community__host_organisation"))
    keys = {community.pk: key for key, community in find_communities(ensure_countries()).items()}
    hosts = {
        keys[page.community_id]: page.community.host_organisation.legal_name
        for page in community_pages
        if page.community.host_organisation and page.community_id in keys
    }
    written = 0
    for language in pages.LANGUAGES:
        mapping = pages.translations_for(language, hosts)
        for page in [index, *community_pages]:
            if force or _needs_translation(page, language, mapping):
                translate_instance(page, language, mapping)
                written += 1
    return written


# --- step 2: members and workspace content ---------------------------------------------------------------------


def member_email(first: str, last: str, language: str) -> str:
    """The demo address of a fictional member: ``first.last@dag.demo.iwportal.org`` transliterated to ASCII."""
    local = f"{transliterate_slug(first, language)}.{transliterate_slug(last, language)}"
    return f"{local}@{MEMBERS_DOMAIN}"


def _user(email: str, first: str, last: str, language: str):
    """The fictional member with ``email`` (created without a usable password: nobody signs in as them)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=first, last_name=last, preferred_language=language)
        user.set_unusable_password()
        user.save()
    return user


def _membership(community, user, started: str, defaults: dict, expertise: tuple, zone: str):
    """``user``'s membership of ``community``: any existing one (current or past) is kept as it is; otherwise one
    is created from ``defaults`` with ``expertise`` (codes), backdated to ``started`` (local to ``zone``)."""
    Membership = _model("community.Membership")
    ExpertiseArea = _model("community.ExpertiseArea")
    membership = Membership.objects.filter(community=community, user=user).order_by("-started_on").first()
    if membership is not None:
        return membership
    membership = Membership.objects.create(community=community, user=user, started_on=_date(started), **defaults)
    membership.expertise.set(ExpertiseArea.objects.filter(code__in=expertise))
    _backdate(membership, _moment(started, zone))
    if membership.consent_public_name:
        _backdate(membership, _moment(started, zone), "consent_recorded_at")
    return membership


def ensure_members(communities: dict) -> dict[str, list]:
    """The fictional members of :data:`communities_data.MEMBERS`; returns each community's users in data order."""
    languages = {row[0]: row[7] for row in data.COMMUNITIES}
    people = {}
    for slug, rows in data.MEMBERS.items():
        community = communities[slug]
        language = languages[slug]
        people[slug] = []
        for first, last, sector, role, organisation, position, expertise, consent, started, left in rows:
            user = _user(member_email(first, last, language), first, last, language)
            name, org, sector_shown = CONSENTS[consent]
            defaults = {
                "role": role,
                "sector": sector,
                "organisation": organisation,
                "position": position,
                "ended_on": _date(left) if left else None,
                "end_reason": "left" if left else "",
                "consent_public_name": name,
                "consent_public_organisation": org,
                "consent_public_sector": sector_shown,
            }
            _membership(community, user, started, defaults, expertise, community.timezone)
            people[slug].append(user)
    return people


def ensure_demo_logins(communities: dict) -> int:
    """Give the demo logins of :data:`communities_data.DEMO_LOGINS` their memberships; returns how many exist."""
    User = get_user_model()
    emails = {role.key: role.email for role in ROLES}
    found = 0
    for key, slug, role, sector, organisation, position, expertise, started in data.DEMO_LOGINS:
        user = User.objects.filter(email__iexact=emails[key]).first()
        if user is None:
            continue
        community = communities[slug]
        defaults = {"role": role, "sector": sector, "organisation": organisation, "position": position}
        _membership(community, user, started, defaults, expertise, community.timezone)
        found += 1
    return found


def _pdf_string(line: str) -> str:
    """``line`` as the inside of a PDF literal string: transliterated to ASCII (``anyascii``), ``\\ ( )`` escaped."""
    from anyascii import anyascii

    text = anyascii(line)
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_document(lines: list[str]) -> bytes:
    """A one-page A4 PDF showing ``lines`` (ASCII text, Helvetica 11 pt): a real file that PDF readers open."""
    safe = [_pdf_string(line) for line in lines]
    text = "BT /F1 11 Tf 14 TL 56 780 Td " + " ".join(f"({line}) Tj T*" for line in safe) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("ascii") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _document(community, spec: tuple, uploader, exchange=None):
    """Create the document ``spec`` (title, file name, visibility, language, description, date, _, lines) in
    ``community``'s library unless a document with that title exists there."""
    Document = _model("community.CommunityDocument")
    title, filename, visibility, language, description, date, _uploader, lines = spec
    document = Document.objects.filter(community=community, title=title).first()
    if document is not None:
        return document
    data_bytes = pdf_document(lines)
    document = Document(
        community=community,
        exchange=exchange,
        title=title,
        description=description,
        language=language,
        visibility=visibility,
        original_name=filename,
        content_type="application/pdf",
        size_bytes=len(data_bytes),
        uploaded_by=uploader,
    )
    document.file.save(filename, ContentFile(data_bytes), save=False)
    document.save()
    _backdate(document, _moment(date, community.timezone))
    return document


def ensure_documents(communities: dict, people: dict) -> None:
    for slug, specs in content.DOCUMENTS.items():
        for spec in specs:
            _document(communities[slug], spec, people[slug][spec[6]])


def ensure_threads(communities: dict, people: dict) -> None:
    """One discussion per DAG with its posts (posts are written only when the thread is created)."""
    Thread = _model("community.Thread")
    Post = _model("community.Post")
    for slug, (title, posts) in content.THREADS.items():
        community = communities[slug]
        if Thread.objects.filter(community=community, title=title).exists():
            continue
        moments = [_moment(when, community.timezone) for _author, when, _body in posts]
        thread = Thread.objects.create(
            community=community, title=title, created_by=people[slug][posts[0][0]], last_post_at=moments[-1]
        )
        _backdate(thread, moments[0])
        for (author, _when, body), moment in zip(posts, moments, strict=True):
            post = Post.objects.create(thread=thread, author=people[slug][author], body=body)
            _backdate(post, moment)


def ensure_announcements(communities: dict, people: dict) -> None:
    Announcement = _model("community.Announcement")
    for slug, (title, body, when, author) in content.ANNOUNCEMENTS.items():
        community = communities[slug]
        if Announcement.objects.filter(community=community, title=title).exists():
            continue
        announcement = Announcement.objects.create(
            community=community, title=title, body=body, created_by=people[slug][author]
        )
        _backdate(announcement, _moment(when, community.timezone))


def ranking(method: str, options: list[str], ballots: list[tuple[int, list[int]]]) -> list[tuple[str, int]]:
    """``(option, points)`` best first: Borda points for ``ranked`` (n for a first preference of n options, down to
    1), one point per vote for ``single``. Ties keep the options' order."""
    points = Counter()
    for _voter, ranks in ballots:
        for rank, option in enumerate(ranks):
            points[option] += len(options) - rank if method == "ranked" else 1
    order = sorted(range(len(options)), key=lambda option: (-points[option], option))
    return [(options[option], points[option]) for option in order if points[option]]


def decision_text(slug: str, spec: dict) -> str:
    """The decision recorded after the consultation: the top three options in order, with the ballot count."""
    top = [label for label, _points in ranking(spec["method"], spec["options"], spec["ballots"])[:3]]
    listed = "; ".join(f"{n}. {label}" for n, label in enumerate(top, start=1))
    return (
        f"Datasets selected for {content.PLATFORMS[slug]}, in order of priority: {listed}. Based on the members' "
        f"consultation ({len(spec['ballots'])} ballots); the partner publishes them in this order."
    )


def _check_voters(slug: str, spec: dict, people: dict, closes: datetime.datetime) -> None:
    """Raise ``ValueError`` when a demo ballot is cast by an observer or by someone not a member when it closed."""
    rows = data.MEMBERS[slug]
    for voter, _ranks in spec["ballots"]:
        row = rows[voter]
        if row[3] == data.OBSERVER or _date(row[8]) > closes.date() or (row[9] and _date(row[9]) <= closes.date()):
            raise ValueError(f"{slug}: demo ballot by {row[0]} {row[1]}, who may not vote in that consultation")


def ensure_consultations(communities: dict, people: dict) -> None:
    """One closed consultation per DAG with options, ballots, a comment and the recorded decision."""
    Consultation = _model("community.Consultation")
    Option = _model("community.ConsultationOption")
    Ballot = _model("community.Ballot")
    Choice = _model("community.BallotChoice")
    Comment = _model("community.ConsultationComment")
    Decision = _model("community.CommunityDecision")
    for slug, spec in content.CONSULTATIONS.items():
        community = communities[slug]
        users = people[slug]
        if Consultation.objects.filter(community=community, question=spec["question"]).exists():
            continue
        opens, closes = _moment(spec["opens"], community.timezone), _moment(spec["closes"], community.timezone)
        _check_voters(slug, spec, people, closes)
        consultation = Consultation.objects.create(
            community=community,
            question=spec["question"],
            description=f"Choose the datasets {content.PLATFORMS[slug]} should publish first. The shortlist in the "
            "documents describes each one.",
            method=spec["method"],
            opens_at=opens,
            closes_at=closes,
            created_by=users[0],
        )
        _backdate(consultation, opens - datetime.timedelta(days=3))
        options = [
            Option.objects.create(consultation=consultation, label=label, sort_order=order)
            for order, label in enumerate(spec["options"])
        ]
        for n, (voter, ranks) in enumerate(spec["ballots"]):
            ballot = Ballot.objects.create(consultation=consultation, voter=users[voter])
            _backdate(ballot, opens + datetime.timedelta(days=1, hours=3 * n))
            for rank, option in enumerate(ranks, start=1):
                Choice.objects.create(ballot=ballot, option=options[option], rank=rank)
        for author, when, body in spec["comments"]:
            comment = Comment.objects.create(consultation=consultation, author=users[author], body=body)
            _backdate(comment, _moment(when, community.timezone))
        decided_on = _date(spec["decided_on"])
        decision = Decision.objects.create(
            community=community,
            decision=decision_text(slug, spec),
            decided_on=decided_on,
            consultation=consultation,
            meeting=spec["meeting"],
            recorded_by=users[0],
        )
        _backdate(decision, _moment(spec["decided_on"] + " 17:00", community.timezone))


def ensure_exchange(communities: dict, people: dict):
    """The bilateral exchange of :data:`communities_content.EXCHANGE` with its participants and visit report."""
    Exchange = _model("community.BilateralExchange")
    Participant = _model("community.ExchangeParticipant")
    spec = content.EXCHANGE
    host, visiting = communities[spec["host"]], communities[spec["visiting"]]
    exchange = Exchange.objects.filter(host=host, visiting=visiting, starts_on=_date(spec["starts_on"])).first()
    if exchange is None:
        exchange = Exchange.objects.create(
            host=host,
            visiting=visiting,
            title=spec["title"],
            city=spec["city"],
            starts_on=_date(spec["starts_on"]),
            ends_on=_date(spec["ends_on"]),
            purpose=spec["purpose"],
            agenda=spec["agenda"],
            visit_report=spec["visit_report"],
            created_by=people[spec["host"]][0],
        )
        _backdate(exchange, _moment(spec["created"], host.timezone))
        for slug, position, role in spec["participants"]:
            Participant.objects.create(
                exchange=exchange, user=people[slug][position], community=communities[slug], role=role
            )
    title, filename, date, lines = spec["document"]
    document_spec = (title, filename, "members", "en", "What was shown and agreed during the visit.", date, 0, lines)
    _document(host, document_spec, people[spec["host"]][0], exchange=exchange)
    return exchange


@dataclass
class ContentResult:
    """Counts after :func:`ensure_community_content` (totals in the database, not what this run added)."""

    communities: int
    memberships: int
    documents: int
    consultations: int
    exchanges: int


def ensure_community_content() -> ContentResult:
    """Step 2: members (and the demo logins), documents, discussions, announcements, consultations with decisions
    and the exchange. Needs :func:`ensure_communities` to have run."""
    Community = _model("community.Community")
    communities = find_communities(ensure_countries())
    people = ensure_members(communities)
    ensure_demo_logins(communities)
    ensure_documents(communities, people)
    ensure_threads(communities, people)
    ensure_announcements(communities, people)
    ensure_consultations(communities, people)
    ensure_exchange(communities, people)
    return ContentResult(
        communities=Community.objects.count(),
        memberships=_model("community.Membership").objects.count(),
        documents=_model("community.CommunityDocument").objects.count(),
        consultations=_model("community.Consultation").objects.count(),
        exchanges=_model("community.BilateralExchange").objects.count(),
    )
