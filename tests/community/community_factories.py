"""Factories for communities (RCP and DAGs), memberships and invitations, and a helper to make members."""

import factory
from factory.django import DjangoModelFactory

from community.models import (
    Community,
    CommunityInvitation,
    CommunityKind,
    MemberRole,
    Membership,
    Sector,
)
from tests.portal.factories import CountryFactory, UserFactory


class DAGFactory(DjangoModelFactory):
    """North Macedonia's Domestic Advisory Group unless told otherwise (pass ``country=`` for another)."""

    kind = CommunityKind.DAG
    country = factory.SubFactory(CountryFactory, code="MK")
    name = factory.LazyAttribute(lambda o: f"Domestic Advisory Group – {o.country.name}")
    short_name = factory.LazyAttribute(lambda o: f"DAG {o.country.code}")
    slug = factory.LazyAttribute(lambda o: f"dag-{o.country.code.lower()}")
    timezone = factory.LazyAttribute(lambda o: o.country.timezone)

    class Meta:
        model = Community
        django_get_or_create = ("slug",)


class RCPFactory(DjangoModelFactory):
    kind = CommunityKind.RCP
    country = None
    name = "Regional Community of Practice"
    short_name = "RCP"
    slug = "rcp"

    class Meta:
        model = Community
        django_get_or_create = ("slug",)


class MembershipFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.MEMBER
    sector = Sector.CIVIL_SOCIETY
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    position = "Researcher"

    class Meta:
        model = Membership


class CommunityInvitationFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    email = factory.Sequence(lambda n: f"dag-invitee{n}@example.org")
    role = MemberRole.MEMBER

    class Meta:
        model = CommunityInvitation


def dag(code: str = "MK", **fields) -> Community:
    """The DAG of the country with ISO code ``code`` (created with its country when missing)."""
    return DAGFactory(country=CountryFactory(code=code), **fields)


def community_member(community, role=MemberRole.MEMBER, **membership_fields):
    """Create a user with an active membership of ``community`` in ``role``; return the user."""
    user = membership_fields.pop("user", None) or UserFactory()
    MembershipFactory(community=community, user=user, role=role, **membership_fields)
    return user
