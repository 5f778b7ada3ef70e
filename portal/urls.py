"""URL configuration: language-independent endpoints first, then everything under a language prefix."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.cms import views as cms_views
from portal.styleguide import styleguide

urlpatterns = [
    # Admin sign-in/sign-out go through allauth (two-factor, rate limits); must precede the admin URLs.
    path("", include("portal.accounts.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", cms_views.sitemap_xml, name="sitemap"),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    path("feed/", cms_views.default_news_feed, name="news_feed"),
    path("calendar/", include("events.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/calendar/", include("events.calendar_account_urls")),
    path("accounts/", include("portal.accounts.account_urls")),
    path("accounts/", include("allauth.urls")),
    path("styleguide/", styleguide, name="styleguide"),
    path("search/", cms_views.search, name="search"),
    path("organisations/", include("community.urls")),
    path("workspace/", include("community.workspace_urls")),
    path("grants/", include("grants.urls")),
    path("my-events/", include("events.urls_account")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
