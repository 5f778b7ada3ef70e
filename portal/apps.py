from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Core of the portal: User model, shared Country reference, sanitiser, site-wide views."""

    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import pre_save
        from wagtail.signals import page_slug_changed

        from portal.slugs import ascii_page_slug, repair_descendant_urls

        # Every Page subclass (defined in any app) gets an ASCII, transliterated slug; see portal.slugs.
        pre_save.connect(ascii_page_slug, dispatch_uid="portal.slugs.ascii_page_slug")
        page_slug_changed.connect(repair_descendant_urls, dispatch_uid="portal.slugs.repair_descendant_urls")
