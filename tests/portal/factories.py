"""Factories for the portal's CMS pages, countries, pledges and users (factory_boy + wagtail-factories).

Page factories need a ``parent`` (e.g. ``NewsPageFactory(parent=news_index)``); the ``home_page`` fixture in
``tests/portal/conftest.py`` gives a HomePage that is the default Site's root.
"""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from portal.cms import models as cms
from portal.models import Country
from tests.portal.factories_accounts import StaffFactory, UserFactory  # noqa: F401  (one user factory for all tests)


class CountryFactory(DjangoModelFactory):
    code = factory.Iterator(["BA", "XK", "MK", "RS", "TR"])
    name = factory.LazyAttribute(
        lambda o: {
            "BA": "Bosnia and Herzegovina",
            "XK": "Kosovo",
            "MK": "North Macedonia",
            "RS": "Serbia",
            "TR": "Türkiye",
        }.get(o.code, o.code)
    )

    class Meta:
        model = Country
        django_get_or_create = ["code"]


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Integrity Watch"
    hero_title = "Integrity Watch in the Western Balkans and Turkey"
    hero_text = "Citizens and civil society hold office holders to account."

    class Meta:
        model = cms.HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"About page {n}")
    intro = "About the programme."

    class Meta:
        model = cms.StandardPage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "News"
    intro = "News from the programme."

    class Meta:
        model = cms.NewsIndexPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"News article {n}")
    date = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    intro = "A short introduction."

    class Meta:
        model = cms.NewsPage


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    title = "Campaigns"

    class Meta:
        model = cms.CampaignIndexPage


class CampaignPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Campaign {n}")
    summary = "Open the register of beneficial owners."
    status = cms.CampaignPage.Status.ACTIVE
    pledge_heading = "Sign the pledge"

    class Meta:
        model = cms.CampaignPage


class ResourceIndexPageFactory(wagtail_factories.PageFactory):
    title = "Training materials"

    class Meta:
        model = cms.ResourceIndexPage


class ResourcePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Guide {n}")
    resource_type = cms.ResourcePage.ResourceType.GUIDE
    topic = "Public procurement"
    language = "en"
    summary = "How to read procurement data."

    class Meta:
        model = cms.ResourcePage


class PublicationIndexPageFactory(wagtail_factories.PageFactory):
    title = "Publications"

    class Meta:
        model = cms.PublicationIndexPage


class PublicationPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Report {n}")
    publication_date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    publication_type = cms.PublicationPage.PublicationType.INTEGRITY_RULES
    summary = "Political integrity rules assessment."

    class Meta:
        model = cms.PublicationPage


class PlatformIndexPageFactory(wagtail_factories.PageFactory):
    title = "Integrity Watch platforms"

    class Meta:
        model = cms.PlatformIndexPage


class PlatformPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Integrity Watch platform {n}")
    operator = "Kosova Democratic Institute"
    status = "Launched 8 December 2025"
    summary = "Political financing, public procurement and asset declarations."

    class Meta:
        model = cms.PlatformPage


class PledgeFactory(DjangoModelFactory):
    campaign = None  # pass campaign=…
    name = factory.Sequence(lambda n: f"Signer {n}")
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    consent = True

    class Meta:
        model = cms.Pledge


ImageFactory = wagtail_factories.ImageFactory
DocumentFactory = wagtail_factories.DocumentFactory
