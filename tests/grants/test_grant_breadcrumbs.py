"""Breadcrumbs of the grantee's grant pages (QA walk of issue 5): the report pages sit under their agreement, on the
same trail as the agreement page (My grants › GA-… › Reports › the report), not under "My applications"."""

import re
from html import unescape

import pytest
from django.urls import reverse

from grants.services import reporting
from tests.grants.agreement_factories import agreement_with_member

pytestmark = pytest.mark.django_db


def trail(html: str) -> list[tuple[str, str]]:
    """``[(href or "", text), ...]`` of the page's breadcrumb navigation, in order (the current page has no href)."""
    nav = re.search(r'<nav class="breadcrumbs[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumbs"
    items = re.findall(r"<li>(.*?)</li>", nav.group(1), re.S)
    result = []
    for item in items:
        link = re.search(r'href="([^"]*)"', item)
        text = unescape(re.sub(r"<[^>]+>", "", item)).strip()
        result.append((link.group(1) if link else "", text))
    return result


@pytest.fixture
def grant(client):
    agreement, member = agreement_with_member()
    [final] = reporting.create_schedule(agreement)
    client.force_login(member)
    return agreement, final


def test_agreement_page_trail(client, grant):
    agreement, _final = grant
    html = client.get(reverse("grants:agreement_detail", args=[agreement.pk])).content.decode()
    assert trail(html) == [(reverse("grants:agreement_list"), "My grants"), ("", agreement.reference)]


def test_reports_list_continues_the_agreement_trail(client, grant):
    agreement, _final = grant
    html = client.get(reverse("grants:agreement_reports", args=[agreement.pk])).content.decode()
    assert trail(html) == [
        (reverse("grants:agreement_list"), "My grants"),
        (reverse("grants:agreement_detail", args=[agreement.pk]), agreement.reference),
        ("", "Reports"),
    ]


def test_report_page_sits_under_its_agreement_and_its_reports(client, grant):
    agreement, final = grant
    html = client.get(reverse("grants:report_detail", args=[final.pk])).content.decode()
    assert trail(html) == [
        (reverse("grants:agreement_list"), "My grants"),
        (reverse("grants:agreement_detail", args=[agreement.pk]), agreement.reference),
        (reverse("grants:agreement_reports", args=[agreement.pk]), "Reports"),
        ("", "Final report"),
    ]
    assert "My applications" not in dict(trail(html)).values()


def test_submit_page_leads_back_to_the_report(client, grant):
    agreement, final = grant
    html = client.get(reverse("grants:report_submit", args=[final.pk])).content.decode()
    assert trail(html) == [
        (reverse("grants:agreement_list"), "My grants"),
        (reverse("grants:agreement_detail", args=[agreement.pk]), agreement.reference),
        (reverse("grants:agreement_reports", args=[agreement.pk]), "Reports"),
        (reverse("grants:report_detail", args=[final.pk]), "Final report"),
        ("", "Submit the report"),
    ]
