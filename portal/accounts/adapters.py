"""allauth adapters of the portal: canonical email uniqueness and the staff two-factor rule.

Mail sending itself (``send_mail``) comes from :class:`portal.notifications.allauth.OutboxMailAdapterMixin`: every
allauth mail is written to the portal's outbox and sent by a Celery task after commit.

Where an address clashes with another account only through its canonical key
(:func:`portal.accounts.canonical.canonical_email`: a look-alike, full-width or Turkish-i spelling), the clash is
treated like allauth treats an exact duplicate, with one difference: the notice goes to the existing account's
own address, never to the look-alike address that was typed (whoever controls a look-alike mailbox must learn
nothing about the real account). The person who typed it sees the same pages as for a free address.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from portal.accounts.lookups import user_with_canonical_email
from portal.accounts.mfa import mfa_required_for
from portal.notifications.allauth import OutboxMailAdapterMixin

logger = logging.getLogger(__name__)


def _language_home_url() -> str:
    """The site's home page URL in the active language (``/`` for English, ``/tr/`` for Turkish…)."""
    return reverse("wagtail_serve", args=[""])


#: Session key of the page a visitor was going to when they signed up (see ``get_email_verification_redirect_url``).
SIGNUP_NEXT_SESSION_KEY = "portal_signup_next"


def _is_safe_next(request, url: str) -> bool:
    """True for a relative or same-host URL (never another site, never a scheme other than the request's)."""
    return len(url) <= 2000 and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


class AccountAdapter(OutboxMailAdapterMixin, DefaultAccountAdapter):
    """Portal account adapter (``ACCOUNT_ADAPTER``); its mail goes through the notification outbox."""

    def get_login_redirect_url(self, request) -> str:
        """After sign-in without a ``next``: the home page in the language the visitor was using (``/mk/``…)."""
        return _language_home_url()

    def get_logout_redirect_url(self, request) -> str:
        """After sign-out: the home page in the language the visitor was using."""
        return _language_home_url()

    def login(self, request, user) -> None:
        """Sign in; an account with no ``preferred_language`` yet takes the language it signs in with.

        Accounts made before sign-up recorded the language (or by staff/scripts) would otherwise get every mail
        in the site default. A language already chosen is never changed here.
        """
        super().login(request, user)
        language = translation.get_language() or ""
        if not getattr(user, "preferred_language", "x") and language in dict(settings.LANGUAGES):
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])

    def get_email_verification_redirect_url(self, email_address) -> str:
        """After confirming an address: back to where the visitor was going when they signed up, via sign-in.

        Sign-up remembers a safe ``next`` (same host, e.g. the "Apply" link of a call or an organisation
        invitation) in the session (:data:`SIGNUP_NEXT_SESSION_KEY`); confirming in the same browser then leads to
        the sign-in page with that ``next``, so the new user lands on the application start or the invitation
        instead of the home page. Otherwise allauth's default applies.
        """
        default = super().get_email_verification_redirect_url(email_address)
        request = self.request
        destination = request.session.pop(SIGNUP_NEXT_SESSION_KEY, "") if hasattr(request, "session") else ""
        if not destination or not _is_safe_next(request, destination):
            return default
        if request.user.is_authenticated:
            return destination
        return f"{reverse('account_login')}?{urlencode({'next': destination})}"

    def save_user(self, request, user, form, commit: bool = True):
        """Create the account and remember the language it was made in as ``preferred_language``.

        Mails sent later without a request (application receipts, invitations accepted…) go out in the user's
        ``preferred_language``; without this, someone who signed up on ``/mk/`` got their receipts in English.
        An unknown or missing active language leaves the field blank (the site default then applies).
        """
        user = super().save_user(request, user, form, commit=False)
        destination = request.POST.get("next") or request.GET.get("next") or ""
        if destination and _is_safe_next(request, destination) and hasattr(request, "session"):
            request.session[SIGNUP_NEXT_SESSION_KEY] = destination
        language = translation.get_language() or ""
        if not user.preferred_language and language in dict(settings.LANGUAGES):
            user.preferred_language = language
        if commit:
            user.save()
        return user

    def clean_email(self, email: str) -> str:
        """Return ``email`` stripped of surrounding white space.

        Uniqueness is not decided here: allauth also calls this for password reset and sign-in by code, where
        an existing address must pass. The canonical-key checks live in :mod:`portal.accounts.forms`
        (sign-up, add/change email, login, password reset) and in :meth:`confirm_email`.
        """
        return super().clean_email(email.strip())

    def _lookalike_owner(self, email: str, user=None):
        """Return the other account whose address has the same canonical key but a different spelling."""
        owner = user_with_canonical_email(email, exclude=user)
        if owner is None or not owner.email or owner.email.lower() == email.lower():
            return None
        return owner

    def _send_lookalike_notice(self, owner, attempted_email: str) -> None:
        """Tell ``owner`` (at their own address) that someone used a look-alike of it."""
        request = allauth_context.request
        ctx = {
            "email": attempted_email,
            "signup_url": build_absolute_uri(request, reverse("account_signup")),
            "password_reset_url": build_absolute_uri(request, reverse("account_reset_password")),
        }
        logger.info("Look-alike of an existing account's email used; notice sent to the account owner.")
        self.send_mail("account/email/account_already_exists", owner.email, ctx)

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with a taken address: allauth's notice, sent to the owner's address for a look-alike."""
        owner = self._lookalike_owner(email)
        if owner is not None:
            self._send_lookalike_notice(owner, email)
            return
        super().send_account_already_exists_mail(email)

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        """Send the verification link, unless the address is a look-alike of another account's address.

        In that case (reachable through "change email" when enumeration prevention lets the address pass) no
        link is sent to the look-alike address; the owner of the real address gets a notice instead.
        """
        address = emailconfirmation.email_address
        owner = self._lookalike_owner(address.email, user=address.user)
        if owner is not None:
            self._send_lookalike_notice(owner, address.email)
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def confirm_email(self, request, email_address) -> bool:
        """Verify ``email_address`` unless another account already has its canonical key.

        Returns ``False`` (with allauth's "confirmation failed" message) on a clash; the unique constraint on
        ``User.email_canonical`` stays the last line if two confirmations race.
        """
        if user_with_canonical_email(email_address.email, exclude=email_address.user) is not None:
            self.add_message(
                request,
                messages.ERROR,
                "account/messages/email_confirmation_failed.txt",
                {"email": email_address.email},
            )
            return False
        return super().confirm_email(request, email_address)


class MFAAdapter(DefaultMFAAdapter):
    """Portal MFA adapter (``MFA_ADAPTER``): whoever must use two-factor cannot switch TOTP off."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Refuse to delete the last TOTP authenticator of a user the staff rule applies to."""
        if authenticator.type == Authenticator.Type.TOTP and mfa_required_for(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
