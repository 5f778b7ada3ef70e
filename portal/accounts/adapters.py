"""allauth adapter of the portal: canonical email uniqueness and the site's mail sending."""

from allauth.account.adapter import DefaultAccountAdapter

from portal.notifications.allauth import OutboxMailAdapterMixin


class AccountAdapter(OutboxMailAdapterMixin, DefaultAccountAdapter):
    """Portal account adapter (see ``ACCOUNT_ADAPTER``)."""
