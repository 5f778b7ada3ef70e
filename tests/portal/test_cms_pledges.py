"""Campaign pledges: signing, one signature per person (case, Turkish İ/ı, confusables, double clicks), count."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, transaction

from portal.cms.models import CampaignPage, Pledge
from portal.cms.services import sign_pledge
from tests.portal.factories import CampaignIndexPageFactory, CampaignPageFactory, CountryFactory, PledgeFactory


@pytest.fixture
def campaign(home_page):
    index = CampaignIndexPageFactory(parent=home_page)
    return CampaignPageFactory(parent=index, title="Open the beneficial-ownership register")


def post_pledge(client, campaign, **overrides):
    data = {"name": "Ayşe Yılmaz", "email": "ayse@example.org", "country": "", "consent": "on", **overrides}
    return client.post(campaign.url, data)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_signing_redirects_with_confirmation_and_counts(client, campaign):
    country = CountryFactory(code="TR")
    response = post_pledge(client, campaign, country=country.pk)
    assert response.status_code == 302
    assert response["Location"] == campaign.url + "#pledge"
    assert messages_of(response) == ["Thank you for signing. Your signature has been counted."]
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


@pytest.mark.django_db
def test_live_count_comes_from_the_database(client, campaign):
    for _ in range(3):
        PledgeFactory(campaign=campaign)
    assert "3 people have signed." in client.get(campaign.url).content.decode()


DUPLICATE_MESSAGE = "You have already signed this campaign with this email address. Thank you for your support!"


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
def test_duplicate_spellings_are_refused_with_a_friendly_message(client, campaign, first, second):
    assert post_pledge(client, campaign, email=first).status_code == 302
    response = post_pledge(client, campaign, email=second, name="Someone else")
    assert response.status_code == 302
    assert messages_of(response)[-1] == DUPLICATE_MESSAGE
    assert Pledge.objects.count() == 1
    assert campaign.pledge_count() == 1
    assert Pledge.objects.get().name == "Ayşe Yılmaz"  # the first signature is kept as it was


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
