"""Test URLconf for the public community pages: the portal's own URLs, where the ``workspace`` namespace also has a
placeholder view for each URL name the public pages link to (``home``, ``join``, ``document_download``) that the
workspace branches have not installed. Once they are installed, their real views are used and nothing is added.

Use with ``@pytest.mark.urls("tests.community.public_urls")``.
"""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import URLResolver, include, path

from community import workspace_urls
from portal import urls as portal_urls

#: URL name → route of the placeholders (the contract's shapes: the community slug first).
LINKED_FROM_PUBLIC_PAGES = {
    "home": "<slug:slug>/",
    "join": "<slug:slug>/join/",
    "document_download": "<slug:slug>/documents/<int:pk>/download/",
}


def placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder for a workspace view installed by another branch")


def _workspace_patterns() -> list:
    installed = {pattern.name for pattern in workspace_urls.urlpatterns if hasattr(pattern, "name")}
    missing = [path(route, placeholder, name=name) for name, route in LINKED_FROM_PUBLIC_PAGES.items()]
    return [*workspace_urls.urlpatterns, *[p for p in missing if p.name not in installed]]


def _localised_patterns() -> list:
    """The language-prefixed patterns of portal.urls, with the workspace include replaced."""
    prefixed = next(
        p
        for p in portal_urls.urlpatterns
        if isinstance(p, URLResolver) and p.namespace is None and type(p.pattern).__name__ == "LocalePrefixPattern"
    )
    patterns = []
    for pattern in prefixed.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "workspace":
            pattern = path("workspace/", include((_workspace_patterns(), "workspace")))
        patterns.append(pattern)
    return patterns


urlpatterns = [
    *[p for p in portal_urls.urlpatterns if type(getattr(p, "pattern", None)).__name__ != "LocalePrefixPattern"],
    *i18n_patterns(*_localised_patterns(), prefix_default_language=False),
]
