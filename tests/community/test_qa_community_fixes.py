"""Faults found by the browser walk of issue 6, each with the input that showed it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import Ballot, BallotChoice, Consultation, ConsultationOption, MemberRole, Membership
from community.public import public_roster
from community.services.consultations import results
from tests.community.community_factories import MembershipFactory, community_member, dag
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_without_a_name_is_not_listed_publicly_even_with_consent():
    mk = dag("MK")
    MembershipFactory(community=mk, user=UserFactory(first_name="", last_name=""), consent_public_name=True)
    MembershipFactory(community=mk, user=UserFactory(first_name="Ana", last_name="Petrova"), consent_public_name=True)
    assert [entry.name for entry in public_roster(mk)] == ["Ana Petrova"]


def test_the_member_sets_their_name_on_my_membership():
    mk = dag("MK")
    user = community_member(mk, user=UserFactory(first_name="", last_name=""))
    client = Client()
    client.force_login(user)
    url = reverse("workspace:membership", args=[mk.slug])
    form = {"sector": "media", "organisation": "", "position": "", "first_name": "", "last_name": ""}
    refused = client.post(url, {**form, "consent_public_name": "on"})
    assert refused.status_code == 400
    assert "Enter your name to be listed on the public roster." in refused.content.decode()
    assert not Membership.objects.get(user=user).consent_public_name
    saved = client.post(url, {**form, "consent_public_name": "on", "first_name": "Марија", "last_name": "Стојанова"})
    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.get_full_name() == "Марија Стојанова"
    assert [entry.name for entry in public_roster(mk)] == ["Марија Стојанова"]


def test_demo_programme_staff_may_manage_communities_in_the_admin():
    from portal.demo.users import ensure_groups

    ensure_groups()
    staff = Group.objects.get(name="Programme staff")
    codenames = set(staff.permissions.values_list("codename", flat=True))
    assert {"view_community", "change_membership", "add_communityinvitation", "change_joinrequest"} <= codenames
    user = UserFactory(is_staff=True)
    user.groups.add(staff)
    assert user.has_perm("community.view_community") and user.has_perm("community.change_membership")


def test_results_are_listed_from_the_most_votes_down():
    mk = dag("MK")
    now = timezone.now()
    consultation = Consultation.objects.create(
        community=mk,
        question="Which dataset first?",
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now - datetime.timedelta(days=1),
    )
    first, second = (ConsultationOption.objects.create(consultation=consultation, label=x) for x in ("A", "B"))
    for _ in range(2):
        ballot = Ballot.objects.create(consultation=consultation, voter=community_member(mk, role=MemberRole.MEMBER))
        BallotChoice.objects.create(ballot=ballot, option=second)
    assert [row.option.label for row in results(consultation).rows] == ["B", "A"]
    assert first.pk < second.pk


def test_the_decision_log_has_breadcrumbs_although_it_is_paginated():
    mk = dag("MK")
    client = Client()
    client.force_login(community_member(mk))
    text = client.get(reverse("workspace:decisions", args=[mk.slug])).content.decode()
    assert 'class="breadcrumbs' in text
    assert reverse("workspace:home", args=[mk.slug]) in text.split('class="breadcrumbs', 1)[1].split("</nav>", 1)[0]


def test_a_used_or_foreign_invitation_does_not_show_the_invited_address():
    from tests.community.community_factories import CommunityInvitationFactory

    mk = dag("MK")
    used = CommunityInvitationFactory(community=mk, email="private.person@example.org", accepted_at=timezone.now())
    foreign = CommunityInvitationFactory(community=mk, email="someone.else@example.org")
    client = Client()
    client.force_login(UserFactory(email="intruder@example.org"))
    for invitation in (used, foreign):
        text = client.get(reverse("workspace:invitation_accept", args=[invitation.token])).content.decode()
        assert invitation.email not in text
