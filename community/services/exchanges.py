"""Bilateral exchanges between two DAGs: arranging one, its participants and the visit report (issue 6 item 6).

Who may see an exchange is decided by :meth:`community.models.BilateralExchange.objects.visible_to` and
:func:`community.permissions.can_view_exchange`; who may change it by :func:`community.permissions.can_edit_exchange`
(coordinators of the host or visiting DAG, and the RCP's coordinators).

Every function takes the acting user as ``by``, locks the exchange row it changes (``select_for_update``) inside
one transaction and raises ``PermissionDenied`` (the user may not do it; views answer 404 when they cannot even
see the exchange) or ``ValidationError`` with a translated message and a ``code``. ``agenda`` and
``visit_report`` are rich text cleaned with :func:`portal.sanitize.clean_html`; the other texts are plain.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.sanitize import clean_html, clean_plain_text

from .. import permissions
from ..models import BilateralExchange, Community, CommunityKind, ExchangeParticipant, Membership

logger = logging.getLogger(__name__)

#: Fields :func:`create_exchange` and :func:`update_exchange` take from ``data`` (host and visiting are set once).
DETAIL_FIELDS = ("title", "city", "starts_on", "ends_on", "purpose", "agenda", "visit_report")
RICH_TEXT_FIELDS = ("agenda", "visit_report")


def _apply(exchange: BilateralExchange, data: Mapping[str, Any]) -> None:
    """Copy :data:`DETAIL_FIELDS` from ``data`` (cleaned) onto ``exchange`` and check them."""
    for name in DETAIL_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in RICH_TEXT_FIELDS:
            value = clean_html(value)
        elif name in ("title", "city", "purpose"):
            value = clean_plain_text(value)
        setattr(exchange, name, value)
    if not exchange.title:
        raise ValidationError(_("Give the exchange a title."), code="title")
    if len(exchange.title) > BilateralExchange._meta.get_field("title").max_length:
        raise ValidationError(_("The title may have at most 200 characters."), code="title")
    if len(exchange.city) > BilateralExchange._meta.get_field("city").max_length:
        raise ValidationError(_("The city may have at most 100 characters."), code="city")
    if not exchange.starts_on or not exchange.ends_on:
        raise ValidationError(_("Give the first and the last day of the visit."), code="dates")
    if exchange.ends_on < exchange.starts_on:
        raise ValidationError(_("The last day cannot be before the first day."), code="dates")


def create_exchange(*, host: Community, visiting: Community, data: Mapping[str, Any], by) -> BilateralExchange:
    """Arrange an exchange in which ``visiting``'s delegation visits ``host``; return it.

    ``data`` maps :data:`DETAIL_FIELDS` to cleaned values (``starts_on``/``ends_on`` dates, local; ``title``
    required). Raises ``PermissionDenied`` unless ``by`` coordinates ``host`` or ``visiting`` or the RCP, and
    ``ValidationError`` when the two are not two different DAGs (code ``two_dags``) or a field is wrong.
    """
    if not permissions.can_arrange_exchange(by, host, visiting):
        raise PermissionDenied
    if host.kind != CommunityKind.DAG or visiting.kind != CommunityKind.DAG or host.pk == visiting.pk:
        raise ValidationError(_("An exchange is between two different DAGs."), code="two_dags")
    exchange = BilateralExchange(host=host, visiting=visiting, created_by=by)
    _apply(exchange, data)
    with transaction.atomic():
        exchange.save()
    logger.info("exchange %s arranged (host %s, visiting %s) by user %s", exchange.pk, host.pk, visiting.pk, by.pk)
    return exchange


def _locked_exchange(exchange_id: int) -> BilateralExchange:
    try:
        return (
            BilateralExchange.objects.select_for_update(of=("self",))
            .select_related("host", "visiting")
            .get(pk=exchange_id)
        )
    except BilateralExchange.DoesNotExist as exc:
        raise PermissionDenied from exc


def _editable(exchange_id: int, by) -> BilateralExchange:
    """The exchange, locked, if ``by`` may edit it; ``PermissionDenied`` otherwise."""
    exchange = _locked_exchange(exchange_id)
    if not permissions.can_edit_exchange(by, exchange):
        raise PermissionDenied
    return exchange


def update_exchange(exchange_id: int, *, data: Mapping[str, Any], by) -> BilateralExchange:
    """Change the details, agenda or visit report of exchange ``exchange_id`` (keys of ``data`` that are in
    :data:`DETAIL_FIELDS`; the host and visiting DAGs stay). Raises ``PermissionDenied`` or ``ValidationError``."""
    with transaction.atomic():
        exchange = _editable(exchange_id, by)
        _apply(exchange, data)
        exchange.save()
    logger.info("exchange %s changed by user %s", exchange.pk, by.pk)
    return exchange


def delegation_members(exchange: BilateralExchange):
    """Active memberships of the host and the visiting DAG (the people who may take part), with user and
    community selected, ordered by delegation (host first) and name."""
    return (
        Membership.objects.active()
        .filter(community_id__in=[exchange.host_id, exchange.visiting_id])
        .select_related("user", "community")
        .order_by("community_id", "user__last_name", "user__first_name", "user__email")
    )


def add_participant(exchange_id: int, *, user_id: int, community_id: int, role: str, by) -> ExchangeParticipant:
    """Add the user ``user_id`` to exchange ``exchange_id`` in the delegation of ``community_id`` (the host or the
    visiting DAG, of which they must be an active member) with ``role`` (plain text, e.g. "Head of delegation",
    at most 100 characters); return the participant.

    Raises ``PermissionDenied`` unless ``by`` may edit the exchange; ``ValidationError`` with code
    ``not_a_side`` (a community other than the two DAGs), ``not_a_member`` or ``already_taking_part``.
    """
    role = clean_plain_text(role)
    if len(role) > ExchangeParticipant._meta.get_field("role").max_length:
        raise ValidationError(_("The role may have at most 100 characters."), code="role")
    with transaction.atomic():
        exchange = _editable(exchange_id, by)
        if community_id not in (exchange.host_id, exchange.visiting_id):
            raise ValidationError(_("Participants come from the host or the visiting DAG."), code="not_a_side")
        if not Membership.objects.active().filter(community_id=community_id, user_id=user_id).exists():
            raise ValidationError(_("Choose an active member of that DAG."), code="not_a_member")
        taken = ExchangeParticipant.objects.filter(exchange=exchange, user_id=user_id).exists()
        if taken:
            raise ValidationError(_("This person already takes part in the exchange."), code="already_taking_part")
        try:
            with transaction.atomic():
                participant = ExchangeParticipant.objects.create(
                    exchange=exchange, user_id=user_id, community_id=community_id, role=role
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("This person already takes part in the exchange."), code="already_taking_part"
            ) from exc
    logger.info("user %s added to exchange %s by user %s", user_id, exchange.pk, by.pk)
    return participant


def remove_participant(exchange_id: int, *, participant_id: int, by) -> None:
    """Remove participant ``participant_id`` from exchange ``exchange_id``.

    Raises ``PermissionDenied`` unless ``by`` may edit the exchange, and ``ValidationError`` (code ``unknown``)
    when the participant is not part of it.
    """
    with transaction.atomic():
        exchange = _editable(exchange_id, by)
        deleted, _rows = ExchangeParticipant.objects.filter(exchange=exchange, pk=participant_id).delete()
        if not deleted:
            raise ValidationError(_("This person does not take part in the exchange."), code="unknown")
    logger.info("participant %s removed from exchange %s by user %s", participant_id, exchange.pk, by.pk)
