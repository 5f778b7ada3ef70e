"""CMS models (app label ``cms``), one module per concern; names follow the CMS contract."""

from .campaigns import CampaignIndexPage, CampaignPage, Pledge
from .menu import MainMenu, MenuItem
from .news import NewsIndexPage, NewsPage
from .pages import HomePage, StandardPage
from .platforms import PlatformIndexPage, PlatformPage
from .publications import PublicationIndexPage, PublicationPage
from .resources import ResourceIndexPage, ResourcePage
from .site_settings import FooterSettings

__all__ = [
    "CampaignIndexPage",
    "CampaignPage",
    "FooterSettings",
    "HomePage",
    "MainMenu",
    "MenuItem",
    "NewsIndexPage",
    "NewsPage",
    "PlatformIndexPage",
    "PlatformPage",
    "Pledge",
    "PublicationIndexPage",
    "PublicationPage",
    "ResourceIndexPage",
    "ResourcePage",
    "StandardPage",
]
