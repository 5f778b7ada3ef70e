"""Consultations of a community's members and its decision log (issue 6 item 5).

Every function takes the acting user (``by`` or ``user``), checks it with :mod:`community.permissions`, changes
state inside one ``transaction.atomic`` (locking the consultation row a vote or comment depends on) and raises:

* ``django.core.exceptions.PermissionDenied`` when the user may not see or do it at all (not a member, not a
  coordinator); views answer 404 or 403;
* ``django.core.exceptions.ValidationError`` with a translated, user-facing message and a ``code`` when a rule
  refuses it (an observer's vote, a second vote, a vote before opening or after closing, a bad ballot).

Times: ``opens_at``/``closes_at`` are datetimes. A naive datetime is wall-clock time in the community's zone
(``Community.timezone``, what a coordinator typed); an aware one is taken as it is. Both are stored in UTC. Votes
and comments are judged by the server clock (``django.utils.timezone.now``): accepted while
``opens_at <= now < closes_at``.

Counting (:func:`results`) happens in the database. Ranked ballots are counted with Borda points: with ``n``
options, a first preference earns ``n`` points, a second ``n - 1``, … (unranked options earn nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.sanitize import clean_plain_text

from .. import permissions
from ..formatting import community_zone, local_today
from ..models import (
    Ballot,
    BallotChoice,
    Community,
    CommunityDecision,
    CommunityKind,
    Consultation,
    ConsultationComment,
    ConsultationOption,
    MemberRole,
    Membership,
)

logger = logging.getLogger(__name__)

#: Fewest options a consultation may have.
MIN_OPTIONS = 2
#: Most options a consultation may have (a ranked ballot form shows one select per option).
MAX_OPTIONS = 20
#: Longest comment accepted (characters).
COMMENT_MAX_LENGTH = 5000
#: Longest decision text accepted (characters).
DECISION_MAX_LENGTH = 5000

Method = Consultation.Method


# --- Opening a consultation ------------------------------------------------------------------------------------


def to_utc(when: datetime, community: Community) -> datetime:
    """``when`` as an aware UTC datetime; a naive ``when`` is wall-clock time in ``community``'s zone.

    Raises ``ValidationError`` (code ``bad_local_time``) for a naive time that does not exist in that zone (the
    hour skipped when clocks go forward) or exists twice (the hour repeated when they go back).
    """
    if timezone.is_aware(when):
        return when.astimezone(UTC)
    zone = community_zone(community)
    first, second = when.replace(fold=0), when.replace(fold=1)
    if first.replace(tzinfo=zone).utcoffset() != second.replace(tzinfo=zone).utcoffset():
        raise ValidationError(
            _(
                "%(time)s does not exist or happens twice in %(zone)s because of the change of clocks. "
                "Choose another time."
            )
            % {"time": when.strftime("%Y-%m-%d %H:%M"), "zone": community.timezone},
            code="bad_local_time",
        )
    return when.replace(tzinfo=zone).astimezone(UTC)


def _clean_options(options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Strip the (label, description) pairs, drop empty rows and check the number and uniqueness of labels."""
    cleaned = []
    seen = set()
    for label, description in options:
        label = clean_plain_text(label)
        description = clean_plain_text(description)
        if not label and not description:
            continue
        if not label:
            raise ValidationError(_("Every option needs a name."), code="option_label")
        if len(label) > ConsultationOption._meta.get_field("label").max_length:
            raise ValidationError(_("An option name may have at most 200 characters."), code="option_label")
        if label.casefold() in seen:
            raise ValidationError(
                _("The option “%(label)s” is listed twice.") % {"label": label}, code="duplicate_option"
            )
        seen.add(label.casefold())
        cleaned.append((label, description))
    if len(cleaned) < MIN_OPTIONS:
        raise ValidationError(_("Give at least two options."), code="too_few_options")
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError(_("Give at most %(count)d options.") % {"count": MAX_OPTIONS}, code="too_many_options")
    return cleaned


def open_consultation(
    community: Community,
    question: str,
    description: str,
    method: str,
    opens_at: datetime | None,
    closes_at: datetime,
    options: Sequence[tuple[str, str]],
    by,
) -> Consultation:
    """Open a consultation of ``community``'s members and return it (with its options, in the order given).

    ``question`` (plain text, required, at most 300 characters) and ``description`` (plain background text);
    ``method`` a :class:`Consultation.Method` value; ``opens_at`` (None: now) and ``closes_at`` as described in
    the module docstring; ``options`` a sequence of ``(label, description)`` pairs, rows with both empty ignored,
    at least :data:`MIN_OPTIONS` and at most :data:`MAX_OPTIONS`, labels unique (ignoring case).

    Raises ``PermissionDenied`` unless ``by`` coordinates ``community``, ``ValidationError`` when the question is
    empty, the method unknown, the options wrong, ``closes_at`` not after ``opens_at`` or not in the future.
    """
    if not permissions.can_open_consultation(by, community):
        raise PermissionDenied
    question = clean_plain_text(question)
    if not question:
        raise ValidationError(_("Write the question."), code="question")
    if len(question) > Consultation._meta.get_field("question").max_length:
        raise ValidationError(_("The question may have at most 300 characters."), code="question")
    if method not in Method.values:
        raise ValidationError(_("Choose how members vote."), code="method")
    cleaned_options = _clean_options(options)
    now = timezone.now()
    opens = to_utc(opens_at, community) if opens_at else now
    closes = to_utc(closes_at, community)
    if closes <= now:
        raise ValidationError(_("The closing time must be in the future."), code="closes_in_past")
    if closes <= opens:
        raise ValidationError(_("The consultation must close after it opens."), code="closes_before_opening")
    with transaction.atomic():
        consultation = Consultation.objects.create(
            community=community,
            question=question,
            description=clean_plain_text(description),
            method=method,
            opens_at=opens,
            closes_at=closes,
            created_by=by,
        )
        ConsultationOption.objects.bulk_create(
            ConsultationOption(consultation=consultation, label=label, description=text, sort_order=index)
            for index, (label, text) in enumerate(cleaned_options)
        )
    logger.info("consultation %s opened in community %s by user %s", consultation.pk, community.pk, by.pk)
    return consultation


# --- Voting and commenting -------------------------------------------------------------------------------------


def _locked_consultation(consultation: Consultation) -> Consultation:
    """The consultation row, locked for the rest of the transaction (with its community)."""
    return Consultation.objects.select_for_update(of=("self",)).select_related("community").get(pk=consultation.pk)


def _refuse_if_not_open(consultation: Consultation, now: datetime) -> None:
    if now < consultation.opens_at:
        raise ValidationError(_("This consultation is not open yet."), code="not_open_yet")
    if now >= consultation.closes_at:
        raise ValidationError(_("This consultation has closed."), code="closed")


def _already_voted_error() -> ValidationError:
    return ValidationError(_("You have already voted in this consultation. A vote cannot be changed."), code="voted")


def _option_ids(choices: Iterable) -> list[int]:
    """Option primary keys from ``choices`` (options, ints or numeric strings), in the order given."""
    ids = []
    for choice in choices:
        value = choice.pk if isinstance(choice, ConsultationOption) else choice
        try:
            ids.append(int(value))
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("This option is not part of this consultation."), code="foreign_option") from exc
    return ids


def _check_ballot(consultation: Consultation, ids: list[int]) -> None:
    """Refuse a ballot whose options are not what ``consultation.method`` allows."""
    if not ids:
        if consultation.method == Method.RANKED:
            raise ValidationError(_("Rank at least one option."), code="empty")
        raise ValidationError(_("Choose one option."), code="empty")
    if consultation.method == Method.SINGLE and len(ids) != 1:
        raise ValidationError(_("Choose exactly one option."), code="one_choice")
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Each option may be ranked only once."), code="duplicate_option")
    known = set(consultation.options.filter(pk__in=ids).values_list("pk", flat=True))
    if known != set(ids):
        raise ValidationError(_("This option is not part of this consultation."), code="foreign_option")


def vote(consultation: Consultation, user, choices: Sequence) -> Ballot:
    """Record ``user``'s ballot in ``consultation`` and return it.

    ``choices``: options of the consultation (instances or primary keys). A single-vote consultation takes
    exactly one; a ranked one takes an ordered list of distinct options, first preference first, at least one
    (options left out are unranked).

    Raises ``PermissionDenied`` when ``user`` is not a member of the consultation's community; otherwise
    ``ValidationError`` with code ``observer`` (observers do not vote), ``not_open_yet``, ``closed`` (at or after
    ``closes_at``), ``voted`` (one ballot per member: checked under the consultation's row lock and again by the
    database constraint, so two parallel requests make one ballot), ``empty``, ``one_choice``,
    ``duplicate_option`` or ``foreign_option``.
    """
    with transaction.atomic():
        consultation = _locked_consultation(consultation)
        role = permissions.role_in(user, consultation.community)
        if role is None:
            raise PermissionDenied
        if role == MemberRole.OBSERVER:
            raise ValidationError(_("Observers take part in the discussion but do not vote."), code="observer")
        _refuse_if_not_open(consultation, timezone.now())
        if not permissions.can_vote(user, consultation):  # the one rule; the checks above only explain a refusal
            raise PermissionDenied
        if Ballot.objects.filter(consultation=consultation, voter=user).exists():
            raise _already_voted_error()
        ids = _option_ids(choices)
        _check_ballot(consultation, ids)
        try:
            with transaction.atomic():  # a savepoint: a parallel duplicate must not break the caller's transaction
                ballot = Ballot.objects.create(consultation=consultation, voter=user)
        except IntegrityError as exc:
            raise _already_voted_error() from exc
        BallotChoice.objects.bulk_create(
            BallotChoice(ballot=ballot, option_id=option_id, rank=rank) for rank, option_id in enumerate(ids, 1)
        )
    logger.info("ballot %s cast in consultation %s", ballot.pk, consultation.pk)
    return ballot


def comment(consultation: Consultation, user, body: str) -> ConsultationComment:
    """Add ``user``'s comment (plain text, stored as typed minus control characters; at most
    :data:`COMMENT_MAX_LENGTH` characters) to ``consultation`` and return it.

    Members of the community may comment, observers included, until the consultation closes.
    Raises ``PermissionDenied`` for non-members and ``ValidationError`` (code ``closed``, ``empty`` or
    ``too_long``).
    """
    text = clean_plain_text(body)
    with transaction.atomic():
        consultation = _locked_consultation(consultation)
        if not permissions.can_take_part(user, consultation.community):
            raise PermissionDenied
        if not permissions.can_comment_on_consultation(user, consultation):
            raise ValidationError(_("This consultation has closed; comments are no longer accepted."), code="closed")
        if not text:
            raise ValidationError(_("Write a comment."), code="empty")
        if len(text) > COMMENT_MAX_LENGTH:
            raise ValidationError(
                _("A comment may have at most %(count)d characters.") % {"count": COMMENT_MAX_LENGTH},
                code="too_long",
            )
        return ConsultationComment.objects.create(consultation=consultation, author=user, body=text)


# --- Results ---------------------------------------------------------------------------------------------------


@dataclass
class OptionResult:
    """One option's count: ``votes`` (ballots naming it at any rank), ``first_preferences`` (rank 1),
    ``points`` (Borda points, ranked only; equal to ``votes`` for single-vote consultations) and ``share``
    (percentage of the total that decides: votes for single, points for ranked; Decimal, one place)."""

    option: ConsultationOption
    votes: int
    first_preferences: int
    points: int
    share: Decimal = Decimal(0)
    winner: bool = False

    @property
    def bar(self) -> str:
        """The share drawn in text, one block per 5 % (at most 20; one thin block for a share under 2.5 %), so
        the table reads without colour, in high-contrast mode and on paper."""
        if not self.points:
            return ""
        return "█" * int((self.share / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP)) or "▏"


@dataclass
class ConsultationResults:
    """The count of a closed consultation: ``rows`` in the consultation's option order, ``ballots`` cast,
    ``eligible`` voters and ``turnout`` (percentage, Decimal with one place; None when nobody was eligible)."""

    consultation: Consultation
    rows: list[OptionResult]
    ballots: int
    eligible: int
    turnout: Decimal | None
    winners: list[ConsultationOption] = field(default_factory=list)

    @property
    def ranked(self) -> bool:
        return self.consultation.method == Method.RANKED


def eligible_voter_ids(community: Community, on: date) -> set[int]:
    """IDs of the users entitled to vote in ``community`` on ``on`` (a date, UTC as memberships are dated).

    Coordinators and members of the community (not observers); in the RCP also every active DAG member whose
    own RCP membership, if any, is not an observer's (see :func:`community.permissions.role_in`).
    """
    active = Membership.objects.active(on=on)
    voting = (MemberRole.COORDINATOR, MemberRole.MEMBER)
    ids = set(active.filter(community=community, role__in=voting).values_list("user_id", flat=True))
    if community.kind == CommunityKind.RCP:
        observers = active.filter(community=community, role=MemberRole.OBSERVER).values("user_id")
        ids |= set(
            active.filter(community__kind=CommunityKind.DAG)
            .exclude(user_id__in=observers)
            .values_list("user_id", flat=True)
        )
    return ids


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def results(consultation: Consultation) -> ConsultationResults:
    """Count a closed ``consultation`` (four queries).

    ``rows`` are ordered by the deciding count (most first; ties in the options' order). Single vote: ``votes`` per
    option. Ranked: Borda ``points`` per option (``n`` options: rank 1 earns ``n``,
    rank ``k`` earns ``n - k + 1``) and ``first_preferences``. ``winners``: the options with the most votes
    (single) or points (ranked), several on a tie, none when no ballot was cast. ``turnout``: ballots cast ÷ the
    voters eligible on the closing day (:func:`eligible_voter_ids`, plus anyone who voted and has left since).

    Raises ``ValidationError`` (code ``not_closed``) before ``closes_at``: results are never counted, for
    anyone, while a consultation is open.
    """
    if not consultation.is_closed():
        raise ValidationError(_("Results are shown once the consultation has closed."), code="not_closed")
    options = list(consultation.options.all())
    n = len(options)
    counted = ConsultationOption.objects.filter(consultation=consultation).annotate(
        n_votes=Count("choices"),
        n_first=Count("choices", filter=Q(choices__rank=1)),
        n_points=Coalesce(Sum(Value(n + 1) - F("choices__rank"), output_field=IntegerField()), 0),
    )
    counts = {row.pk: row for row in counted}
    rows = []
    for option in options:
        row = counts[option.pk]
        points = row.n_points if consultation.method == Method.RANKED else row.n_votes
        rows.append(OptionResult(option=option, votes=row.n_votes, first_preferences=row.n_first, points=points))
    deciding = [r.points for r in rows]
    total = sum(deciding)
    top = max(deciding, default=0)
    for row in rows:
        row.share = _percent(row.points, total) or Decimal(0)
        row.winner = top > 0 and row.points == top
    # Ranked from the most votes (points) down; options with equal counts keep their published order.
    rows.sort(key=lambda r: -r.points)
    voter_ids = set(consultation.ballots.values_list("voter_id", flat=True))
    closing_day = min(timezone.now(), consultation.closes_at).date()
    eligible = len(eligible_voter_ids(consultation.community, closing_day) | voter_ids)
    return ConsultationResults(
        consultation=consultation,
        rows=rows,
        ballots=len(voter_ids),
        eligible=eligible,
        turnout=_percent(len(voter_ids), eligible),
        winners=[r.option for r in rows if r.winner],
    )


# --- The decision log ------------------------------------------------------------------------------------------


def record_decision(
    community: Community,
    decision: str,
    decided_on: date,
    consultation: Consultation | None = None,
    meeting: str = "",
    by=None,
) -> CommunityDecision:
    """Add an entry to ``community``'s decision log and return it.

    ``decision`` plain text (required, at most :data:`DECISION_MAX_LENGTH` characters); ``decided_on`` a date,
    not after today in the community's zone; ``consultation`` (optional) a consultation of the same community
    that has closed (the date may not be before its closing day, local); ``meeting`` free text naming the meeting
    where it was taken (at most 300 characters); one of ``consultation`` and ``meeting`` is required.

    Raises ``PermissionDenied`` unless ``by`` coordinates ``community`` and ``ValidationError`` (codes ``empty``,
    ``too_long``, ``no_source``, ``future``, ``foreign_consultation``, ``not_closed``, ``before_closing``) otherwise.
    """
    if not permissions.can_record_decision(by, community):
        raise PermissionDenied
    text = clean_plain_text(decision)
    meeting = clean_plain_text(meeting)
    if not text:
        raise ValidationError(_("Write the decision."), code="empty")
    if len(text) > DECISION_MAX_LENGTH:
        raise ValidationError(
            _("A decision may have at most %(count)d characters.") % {"count": DECISION_MAX_LENGTH}, code="too_long"
        )
    if len(meeting) > CommunityDecision._meta.get_field("meeting").max_length:
        raise ValidationError(_("The meeting may have at most 300 characters."), code="too_long")
    if consultation is None and not meeting:
        raise ValidationError(_("Name the consultation or the meeting the decision comes from."), code="no_source")
    if decided_on > local_today(community):
        raise ValidationError(_("The date of the decision cannot be in the future."), code="future")
    with transaction.atomic():
        if consultation is not None:
            consultation = _locked_consultation(consultation)
            if consultation.community_id != community.pk:
                raise ValidationError(_("The consultation belongs to another community."), code="foreign_consultation")
            if not consultation.is_closed():
                raise ValidationError(_("Record the outcome once the consultation has closed."), code="not_closed")
            closing_day = consultation.closes_at.astimezone(community_zone(community)).date()
            if decided_on < closing_day:
                raise ValidationError(
                    _("The decision cannot be dated before the consultation closed."), code="before_closing"
                )
        entry = CommunityDecision.objects.create(
            community=community,
            decision=text,
            decided_on=decided_on,
            consultation=consultation,
            meeting=meeting,
            recorded_by=by,
        )
    logger.info("decision %s recorded in community %s by user %s", entry.pk, community.pk, by.pk)
    return entry
