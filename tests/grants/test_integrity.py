"""Integrity checks on our own grant-making (issue 4, item 7): the checks, their query count, the staff pages."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import OrganisationMembership
from grants import similarity
from grants.integrity import (
    ABOVE_REFERENCE_COST,
    DUPLICATE_ORGANISATION,
    NEAR_DUPLICATE_PROPOSAL,
    REVIEWER_DECLARED_RELATIONSHIP,
    REVIEWER_DOMAIN,
    REVIEWER_MEMBER,
    flags_for_application,
    flags_for_call,
)
from grants.models import ApplicationStatus, ConflictOfInterestDeclaration, ReferenceUnitCost
from tests.grants.factories import ApplicationPartnerFactory, BudgetLineFactory, open_call
from tests.grants.reports_helpers import (
    LONG_TEXT,
    assign,
    bulk_submitted,
    grant_view_application,
    organisation,
    reviewer,
    submitted,
)
from tests.portal.factories import CountryFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(flags):
    return [flag.code for flag in flags]


@pytest.fixture
def call():
    return open_call()


# --- reviewer linked to the applicant ------------------------------------------------------------------------------


def test_reviewer_who_is_a_member_of_the_lead_or_a_partner_organisation_is_flagged(call):
    lead_case = submitted(call)
    partner_case = submitted(call, lot="C")
    partner = ApplicationPartnerFactory(
        application=partner_case, organisation=organisation(country=CountryFactory(code="RS"))
    )
    insider = reviewer(first_name="Vesna", last_name="Petrova")
    OrganisationMembership.objects.create(organisation=lead_case.organisation, user=insider)
    partner_insider = reviewer()
    OrganisationMembership.objects.create(organisation=partner.organisation, user=partner_insider)
    assign(lead_case, insider, status="pending_declaration")
    assign(partner_case, partner_insider)

    flags = flags_for_call(call)
    assert codes(flags[lead_case.pk]) == [REVIEWER_MEMBER]
    assert "Vesna Petrova" in flags[lead_case.pk][0].message
    assert lead_case.organisation.legal_name in flags[lead_case.pk][0].message
    assert codes(flags[partner_case.pk]) == [REVIEWER_MEMBER]
    assert partner.organisation.legal_name in flags[partner_case.pk][0].message


def test_conflicted_or_removed_assignments_are_not_flagged(call):
    application = submitted(call)
    for status in ("conflicted", "removed"):
        user = reviewer()
        OrganisationMembership.objects.create(organisation=application.organisation, user=user)
        assign(application, user, status=status)
    assert flags_for_call(call) == {}


def test_reviewer_on_the_domain_of_the_website_or_of_a_member_is_flagged(call):
    by_website = submitted(call, organisation=organisation(website="https://www.watchdog.mk/en/"))
    by_member = submitted(call)
    UserFactory(email="someone@ngo-partner.rs")  # not a member: says nothing
    member = UserFactory(email="director@transparency.ba")
    OrganisationMembership.objects.create(organisation=by_member.organisation, user=member)
    assign(by_website, reviewer("Expert@WATCHDOG.mk"))
    assign(by_member, reviewer("colleague@transparency.ba"))
    independent = submitted(call)
    assign(independent, reviewer("someone-else@ngo-partner.rs"))

    flags = flags_for_call(call)
    assert codes(flags[by_website.pk]) == [REVIEWER_DOMAIN]
    assert "watchdog.mk" in flags[by_website.pk][0].message
    assert codes(flags[by_member.pk]) == [REVIEWER_DOMAIN]
    assert independent.pk not in flags


def test_public_mail_domains_link_nobody(call):
    application = submitted(call, organisation=organisation(contact_email="cso.office@gmail.com"))
    member = UserFactory(email="president@gmail.com")
    OrganisationMembership.objects.create(organisation=application.organisation, user=member)
    assign(application, reviewer("independent.expert@gmail.com"))
    assert flags_for_call(call) == {}


def test_declared_relationship_with_no_conflict_is_flagged_but_a_bare_declaration_is_not(call):
    application = submitted(call)
    told, silent = reviewer(), reviewer()
    for user, statement in ((told, "I advised their board in 2023, unpaid."), (silent, "   ")):
        assignment = assign(application, user)
        ConflictOfInterestDeclaration.objects.create(
            assignment=assignment, reviewer=user, application=application, has_conflict=False, statement=statement
        )
    flags = flags_for_call(call)[application.pk]
    assert codes(flags) == [REVIEWER_DECLARED_RELATIONSHIP]
    assert "I advised their board in 2023, unpaid." in flags[0].message


# --- an organisation applying twice ---------------------------------------------------------------------------------


def test_same_registration_number_in_the_same_country_under_two_accounts_is_flagged(call):
    mk = CountryFactory(code="MK")
    first = submitted(call, organisation=organisation(registration_number="REG 4021-77", country=mk))
    second = submitted(call, organisation=organisation(registration_number="reg-402177", country=mk))
    elsewhere = submitted(
        call, organisation=organisation(registration_number="REG.4021.77", country=CountryFactory(code="RS"))
    )
    flags = flags_for_call(call)
    assert [(f.code, f.related_application_id) for f in flags[first.pk]] == [(DUPLICATE_ORGANISATION, second.pk)]
    assert [(f.code, f.related_application_id) for f in flags[second.pk]] == [(DUPLICATE_ORGANISATION, first.pk)]
    assert second.reference in flags[first.pk][0].message
    assert elsewhere.pk not in flags


def test_near_identical_names_with_confusable_letters_are_flagged(call):
    latin = submitted(call, organisation=organisation(legal_name="Centar za građanske inicijative"))
    # Cyrillic "а" (U+0430) in "Centаr" and "zа", and "dj" for "đ".
    spoof = submitted(call, organisation=organisation(legal_name="Cent\u0430r z\u0430 gradjanske inicijative"))
    other = submitted(call, organisation=organisation(legal_name="Centar za istraživačko novinarstvo"))
    flags = flags_for_call(call)
    assert [(f.code, f.related_application_id) for f in flags[latin.pk]] == [(DUPLICATE_ORGANISATION, spoof.pk)]
    assert [(f.code, f.related_application_id) for f in flags[spoof.pk]] == [(DUPLICATE_ORGANISATION, latin.pk)]
    assert other.pk not in flags


def test_one_organisation_in_two_lots_is_not_a_duplicate_account(call):
    same = organisation()
    submitted(call, organisation=same, lot="A")
    submitted(call, organisation=same, lot="B")
    assert flags_for_call(call) == {}


# --- near-duplicate proposals ----------------------------------------------------------------------------------------


def test_a_copied_proposal_with_a_few_words_changed_is_flagged_and_different_ones_are_not(call):
    original = submitted(call, summary=LONG_TEXT)
    copy = submitted(call, summary=LONG_TEXT.replace("Kumanovo", "Štip") + " We will also train two reporters.")
    different = submitted(call, summary=LONG_TEXT[:150] + " and then something else entirely, about schools.")
    flags = flags_for_call(call)
    assert codes(flags[original.pk]) == [NEAR_DUPLICATE_PROPOSAL]
    assert flags[original.pk][0].related_application_id == copy.pk
    assert copy.reference in flags[original.pk][0].message
    assert flags[copy.pk][0].related_application_id == original.pk
    assert different.pk not in flags


def test_short_texts_are_never_near_duplicates():
    assert similarity.near_duplicate_pairs([(1, "Benchmark application."), (2, "Benchmark application.")]) == []


def test_lsh_finds_the_same_pairs_as_comparing_every_pair():
    rng = random.Random(4)
    vocabulary = [f"word{n}" for n in range(400)]
    bases = [" ".join(rng.choice(vocabulary) for _ in range(80)) for _ in range(30)]
    texts = {}
    for n, base in enumerate(bases):
        texts[n * 10] = base
        if n % 3 == 0:  # a light edit: near duplicate
            words = base.split()
            words[rng.randrange(80)] = "changed"
            texts[n * 10 + 1] = " ".join(words)
        if n % 5 == 0:  # a heavy edit: not a near duplicate
            words = base.split()
            texts[n * 10 + 2] = " ".join(words[:40] + [rng.choice(vocabulary) for _ in range(40)])
    found = {(a, b) for a, b, _ in similarity.near_duplicate_pairs(texts.items())}
    keys = sorted(texts)
    brute = {
        (a, b)
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
        if similarity.jaccard(similarity.shingles(texts[a]), similarity.shingles(texts[b]))
        >= similarity.NEAR_DUPLICATE_JACCARD
    }
    assert found == brute
    assert len(brute) == 10


def test_many_identical_proposals_stay_linear_and_each_names_at_most_three_others(call):
    applications = bulk_submitted(call, 60, text=LONG_TEXT)
    flags = flags_for_call(call)
    for application in applications:
        near = [f for f in flags[application.pk] if f.code == NEAR_DUPLICATE_PROPOSAL]
        assert 1 <= len(near) <= 3
    pairs = similarity.near_duplicate_pairs((n, LONG_TEXT) for n in range(500))
    assert len(pairs) <= 500 * similarity.MAX_COMPARISONS_PER_TEXT


# --- budget lines above the reference unit costs -------------------------------------------------------------------


def test_budget_line_above_the_reference_unit_cost_names_the_line_and_both_amounts(call):
    ReferenceUnitCost.objects.create(call=call, category="staff", unit="Day", max_unit_cost_eur=Decimal("150.00"))
    ReferenceUnitCost.objects.create(call=call, category="", unit="day", max_unit_cost_eur=Decimal("300.00"))
    ReferenceUnitCost.objects.create(call=call, category="", unit="event", max_unit_cost_eur=Decimal("900.00"))
    above = submitted(call)
    BudgetLineFactory(application=above, description="Senior trainer", unit="day ", unit_cost_eur=Decimal("250.00"))
    BudgetLineFactory(application=above, category="travel", description="Driver", unit="DAY", unit_cost_eur="250")
    at_limit = submitted(call)
    BudgetLineFactory(application=at_limit, unit="day", unit_cost_eur=Decimal("150.00"))
    BudgetLineFactory(application=at_limit, category="events", unit="event", unit_cost_eur=Decimal("900.00"))
    BudgetLineFactory(application=at_limit, unit="month", unit_cost_eur=Decimal("5000.00"))  # no reference

    flags = flags_for_call(call)
    assert codes(flags[above.pk]) == [ABOVE_REFERENCE_COST]  # the driver is under the 300 for every category
    message = flags[above.pk][0].message
    assert "Senior trainer" in message and "EUR 250.00" in message and "EUR 150.00" in message
    assert at_limit.pk not in flags


# --- scope, single application, query count -----------------------------------------------------------------------


def test_drafts_are_not_checked_and_flags_for_application_agrees_with_the_call(call):
    ReferenceUnitCost.objects.create(call=call, unit="month", max_unit_cost_eur=Decimal("500.00"))
    draft = submitted(call, status=ApplicationStatus.DRAFT)
    BudgetLineFactory(application=draft)  # 1,000 a month
    checked = submitted(call, status=ApplicationStatus.UNDER_REVIEW)
    BudgetLineFactory(application=checked)
    spoof = submitted(call, organisation=organisation(legal_name=checked.organisation.legal_name.upper()))
    flags = flags_for_call(call)
    assert set(flags) == {checked.pk, spoof.pk}
    assert flags_for_application(draft) == []
    assert flags_for_application(checked) == flags[checked.pk]
    assert codes(flags[checked.pk]) == [DUPLICATE_ORGANISATION, ABOVE_REFERENCE_COST]


def _checks_with_everything(call, count):
    ReferenceUnitCost.objects.create(call=call, category="staff", unit="day", max_unit_cost_eur=Decimal("150.00"))
    applications = bulk_submitted(call, count, text=LONG_TEXT if count > 10 else None)
    for application in applications[:3]:
        user = reviewer()
        OrganisationMembership.objects.create(organisation=application.organisation, user=user)
        assignment = assign(application, user)
        ConflictOfInterestDeclaration.objects.create(
            assignment=assignment, reviewer=user, application=application, has_conflict=False, statement="Knows them."
        )
        ApplicationPartnerFactory(application=application, organisation=organisation())
    with CaptureQueriesContext(connection) as queries:
        flags = flags_for_call(call)
    return len(queries), flags


def test_query_count_is_the_same_for_10_and_200_applications():
    small, small_flags = _checks_with_everything(open_call(), 10)
    large, large_flags = _checks_with_everything(open_call(), 200)
    assert small == large == 7
    assert len(small_flags) == 10 and len(large_flags) == 200


# --- staff pages -----------------------------------------------------------------------------------------------------


def test_inspect_view_shows_the_flags_to_staff(client, staff_user, call):
    ReferenceUnitCost.objects.create(call=call, unit="month", max_unit_cost_eur=Decimal("800.00"))
    application = submitted(call)
    BudgetLineFactory(application=application, description="Coordinator <b>", unit="month")
    client.force_login(grant_view_application(staff_user))
    html = client.get(reverse("grants_applications:inspect", args=[application.pk])).content.decode()
    assert "Integrity checks" in html
    assert "Coordinator &lt;b&gt;" in html and "EUR 800.00" in html


def test_call_integrity_page_lists_every_flag_for_staff_and_refuses_others(client, staff_user, call):
    ReferenceUnitCost.objects.create(call=call, unit="month", max_unit_cost_eur=Decimal("800.00"))
    application = submitted(call)
    BudgetLineFactory(application=application, description="Project manager", unit="month")
    url = reverse("grants_reports:integrity", args=[call.pk])

    client.force_login(staff_user)  # staff without grants.view_application
    refused = client.get(url)
    assert refused.status_code in (302, 403) and b"Project manager" not in refused.content
    client.force_login(reviewer())
    assert client.get(url).status_code in (302, 403)

    client.force_login(grant_view_application(staff_user))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert application.reference in html and "Project manager" in html
    assert reverse("grants_applications:inspect", args=[application.pk]) in html
