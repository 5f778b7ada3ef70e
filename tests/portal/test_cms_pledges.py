"""Campaign pledges: signing, one signature per person (case, Turkish İ/ı, confusables, double clicks), count."""

import threading

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.base import Message
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, transaction
from django.test import Client

from portal.cms.models import CampaignPage, Pledge
from portal.cms.services import sign_pledge
from portal.cms.templatetags.cms_tags import page_top_messages
from tests.portal.factories import CampaignIndexPageFactory, CampaignPageFactory, CountryFactory, PledgeFactory


@pytest.fixture
def campaign(home_page):
    index = CampaignIndexPageFactory(parent=home_page)
    return CampaignPageFactory(parent=index, title="Open the beneficial-ownership register")


THANKS = "Thank you for signing. Each email address is counted once."


def post_pledge(client, campaign, follow=False, **overrides):
    data = {"name": "Ayşe Yılmaz", "email": "ayse@example.org", "country": "", "consent": "on", **overrides}
    return client.post(campaign.url, data, follow=follow)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_signing_redirects_with_confirmation_and_counts(client, campaign):
    country = CountryFactory(code="TR")
    response = post_pledge(client, campaign, country=country.pk)
    assert response.status_code == 302
    assert response["Location"] == campaign.url + "#pledge"
    assert messages_of(response) == [THANKS]
    pledge = Pledge.objects.get()
    assert (pledge.name, pledge.email, pledge.country, pledge.consent) == (
        "Ayşe Yılmaz",
        "ayse@example.org",
        country,
        True,
    )
    assert pledge.campaign_id == campaign.pk and pledge.language == "en"
    page = client.get(campaign.url).content.decode()
    assert "1 person has signed." in page


def pledge_box(html: str) -> str:
    """The HTML of the ``<section id="pledge">`` of a campaign page."""
    start = html.index('<section id="pledge"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_confirmation_is_shown_inside_the_pledge_box(client, campaign):
    """After the redirect to ``#pledge`` the thank-you shows in the pledge box (in view on a phone), not at the top."""
    response = post_pledge(client, campaign, follow=True)
    assert response.redirect_chain == [(campaign.url + "#pledge", 302)]
    html = response.content.decode()
    box = pledge_box(html)
    assert f'<p class="pledge__thanks" role="status">{THANKS}</p>' in box
    assert "<form" not in box  # a thank-you state, not an empty form again
    assert html.count(THANKS) == 1  # not repeated in the messages at the top of the page
    assert 'class="container messages"' not in html
    # Reloading the page shows the form again (the message was shown once).
    again = pledge_box(client.get(campaign.url).content.decode())
    assert "pledge__thanks" not in again and "<form" in again


def test_other_messages_still_show_at_the_top():
    """Only the pledge confirmation moves into the box; other messages stay in the page-top list."""
    other = Message(constants.INFO, "Saved.")
    pledge = Message(constants.SUCCESS, THANKS, extra_tags="pledge")
    assert page_top_messages([other, pledge]) == [other]
    assert page_top_messages("") == []


@pytest.mark.django_db
def test_live_count_comes_from_the_database(client, campaign):
    for _ in range(3):
        PledgeFactory(campaign=campaign)
    assert "3 people have signed." in client.get(campaign.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ayse@example.org", "AYSE@EXAMPLE.ORG"),
        ("ayse@example.org", "  Ayse@Example.org "),
        ("filiz@istanbul.org.tr", "FILIZ@İSTANBUL.ORG.TR"),  # Turkish capital dotted İ
        ("filiz@istanbul.org.tr", "filiz@ıstanbul.org.tr"),  # Turkish dotless ı
        ("ana@example.org", "ana@\u0435\u0445ample.org"),  # Cyrillic е and х in the domain
        ("ana@example.org", "ana@ｅｘａｍｐｌｅ.org"),  # full-width letters
    ],
)
def test_duplicate_spellings_count_once_with_the_same_answer(client, campaign, first, second):
    """A repeated signature gets exactly the answer of a new one (no way to learn whether an address signed)."""
    first_response = post_pledge(client, campaign, email=first, follow=True)
    second_response = post_pledge(client, campaign, email=second, name="Someone else", follow=True)
    assert first_response.redirect_chain == second_response.redirect_chain == [(campaign.url + "#pledge", 302)]
    assert pledge_box(first_response.content.decode()) == pledge_box(second_response.content.decode())
    assert THANKS in pledge_box(second_response.content.decode())
    assert "already signed" not in second_response.content.decode()
    assert Pledge.objects.count() == 1
    assert campaign.pledge_count() == 1
    assert Pledge.objects.get().name == "Ayşe Yılmaz"  # the first signature is kept as it was


@pytest.mark.django_db
def test_new_and_repeated_signatures_redirect_identically(client, campaign):
    """Without following the redirect: same status, Location and message for a new and a known address."""
    new = post_pledge(client, campaign, email="new@example.org")
    new_messages = messages_of(new)
    repeated = post_pledge(Client(), campaign, email="NEW@example.org")  # another visitor probing the address
    assert (new.status_code, new["Location"], new_messages) == (
        repeated.status_code,
        repeated["Location"],
        messages_of(repeated),
    )
    assert Pledge.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ilker@example.org", "İLKER@example.org"),  # Turkish İ in the local part
        ("ILKER@example.org", "ılker@example.org"),  # Turkish ı in the local part
        ("ana@example.org", "\u0430na@example.org"),  # Cyrillic а
        ("oscar@example.org", "\u03bfscar@example.org"),  # Greek ο
    ],
)
def test_service_folds_local_part_variants(campaign, first, second):
    """Django's EmailField refuses non-ASCII local parts; the service still folds them if they come another way."""
    assert sign_pledge(campaign, "A", first, None, True)[1] is True
    assert sign_pledge(campaign, "B", second, None, True)[1] is False
    assert Pledge.objects.count() == 1


@pytest.mark.django_db
def test_double_click_creates_one_record(client, campaign):
    post_pledge(client, campaign)
    post_pledge(client, campaign)
    assert Pledge.objects.count() == 1


@pytest.mark.django_db
def test_consent_is_required(client, campaign):
    response = post_pledge(client, campaign, consent="")
    assert response.status_code == 200
    assert "Please tick the consent box to sign." in response.content.decode()
    assert 'value="Ayşe Yılmaz"' in response.content.decode()  # nothing the visitor typed is lost
    assert not Pledge.objects.exists()
    with pytest.raises(ValidationError):
        sign_pledge(campaign, "Ana", "ana@example.org", None, consent=False)


@pytest.mark.django_db
def test_invalid_email_and_blank_name_are_refused(client, campaign):
    response = post_pledge(client, campaign, email="not-an-email", name="   ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "This field is required." in html or "Please enter your name." in html
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_database_refuses_duplicates_and_missing_consent(campaign):
    PledgeFactory(campaign=campaign, email="ana@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeFactory(campaign=campaign, email="ANA@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeFactory(campaign=campaign, email="other@example.org", consent=False)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CampaignPage.Status.ACHIEVED, CampaignPage.Status.CLOSED])
def test_finished_campaigns_take_no_pledges(client, campaign, status):
    campaign.status = status
    campaign.save_revision().publish()
    response = post_pledge(client, campaign)
    assert response.status_code == 200
    assert "This campaign is no longer collecting signatures." in response.content.decode()
    assert not Pledge.objects.exists()
    with pytest.raises(ValidationError):
        sign_pledge(campaign, "Ana", "ana@example.org", None, True)


@pytest.mark.django_db
def test_one_signature_across_translations(client, campaign, locale_tr):
    """Signing the Turkish translation and then the English page with the same address counts once."""
    tr_campaign = campaign.copy_for_translation(locale_tr, copy_parents=True, alias=False)
    tr_campaign.save_revision().publish()
    pledge, created = sign_pledge(tr_campaign, "Ayşe", "AYSE@example.org", None, True)
    assert created and pledge.campaign_id == tr_campaign.pk
    _, created_again = sign_pledge(campaign, "Ayşe", "ayse@example.org", None, True)
    assert not created_again
    assert campaign.pledge_count() == tr_campaign.pledge_count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signatures_make_one_row(home_page):
    """Ten threads sign with spellings of one address at once: the unique constraint keeps exactly one row.

    Real commits (``transaction=True``): the database is flushed afterwards, and ``home_page`` builds the root page,
    locale and site it needs even after an earlier transactional test flushed Wagtail's migration data.
    (``serialized_rollback`` would fail here after such a flush: the content types are re-created with new ids.)

    Without the constraint the check-then-insert in ``get_or_create`` races (each thread sees no row and
    inserts); with it the losers' inserts fail and ``get_or_create`` returns the winner's row.
    """
    index = CampaignIndexPageFactory(parent=home_page)
    campaign = CampaignPageFactory(parent=index)
    spellings = ["ayse@example.org", "AYSE@example.org", "Ayse@Example.org", "ayse@EXAMPLE.org", "AYSE@EXAMPLE.ORG"] * 2
    barrier = threading.Barrier(len(spellings))
    results, errors = [], []

    def sign(email):
        try:
            barrier.wait()
            results.append(sign_pledge(campaign, "Ayşe", email, None, True)[1])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sign, args=(email,)) for email in spellings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results.count(True) == 1
    assert Pledge.objects.filter(campaign=campaign).count() == 1
