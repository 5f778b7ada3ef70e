"""Factories for organisations and their members."""

import factory
from factory.django import DjangoModelFactory

from community.models import Organisation, OrganisationInvitation, OrganisationMembership, OrganisationType
from tests.portal.factories import CountryFactory, UserFactory


class OrganisationFactory(DjangoModelFactory):
    """An association registered in 2015 in North Macedonia with a EUR 40,000 annual budget (override freely)."""

    legal_name = factory.Sequence(lambda n: f"Civic Association {n}")
    local_name = factory.Sequence(lambda n: f"Граѓанско здружение {n}")
    registration_number = factory.Sequence(lambda n: f"REG-{n:05d}")
    country = factory.SubFactory(CountryFactory, code="MK")
    year_registered = 2015
    annual_budget_eur = factory.Faker("pydecimal", left_digits=5, right_digits=2, min_value=10000, max_value=45000)
    organisation_type = OrganisationType.ASSOCIATION
    website = "https://example.org"
    contact_email = factory.Sequence(lambda n: f"office{n}@example.org")

    class Meta:
        model = Organisation


class OrganisationMembershipFactory(DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationMembership.Role.ADMIN

    class Meta:
        model = OrganisationMembership


class OrganisationInvitationFactory(DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = OrganisationMembership.Role.MEMBER

    class Meta:
        model = OrganisationInvitation


def member_of(organisation, role=OrganisationMembership.Role.ADMIN, **user_fields):
    """Create a verified-email user who belongs to ``organisation`` with ``role``; return the user."""
    user = UserFactory(**user_fields)
    OrganisationMembership.objects.create(organisation=organisation, user=user, role=role)
    return user
