"""Factories for joining communities: requests to join, and a small world of people around one DAG."""

import factory
from factory.django import DjangoModelFactory

from community.models import JoinRequest, MemberRole, Sector
from tests.community.community_factories import DAGFactory, RCPFactory, community_member, dag
from tests.portal.factories import UserFactory


class JoinRequestFactory(DjangoModelFactory):
    community = factory.SubFactory(DAGFactory)
    user = factory.SubFactory(UserFactory)
    sector = Sector.MEDIA
    organisation = "Radio Slobodna"
    position = "Editor"
    motivation = "I report on public procurement."

    class Meta:
        model = JoinRequest


def dag_world() -> dict:
    """North Macedonia's DAG with a coordinator, a member and an observer; Serbia's DAG with a member; the RCP.

    Keys: ``rcp``, ``mk``, ``rs``, ``coordinator``, ``member``, ``observer``, ``other_dag_member``, ``outsider``.
    """
    rcp, mk, rs = RCPFactory(), dag("MK"), dag("RS")
    return {
        "rcp": rcp,
        "mk": mk,
        "rs": rs,
        "coordinator": community_member(mk, MemberRole.COORDINATOR, user=UserFactory(first_name="Coco")),
        "member": community_member(mk, MemberRole.MEMBER),
        "observer": community_member(mk, MemberRole.OBSERVER),
        "other_dag_member": community_member(rs, MemberRole.MEMBER),
        "outsider": UserFactory(),
    }
