"""Account forms used by allauth (``ACCOUNT_FORMS``): allauth's forms plus the canonical email key.

allauth compares addresses by lower case only. These subclasses add :func:`portal.accounts.canonical.
canonical_email`, so a look-alike spelling (Turkish i, full-width, Cyrillic or Greek letters) counts as the
same address, and they follow allauth's enumeration rules (``ACCOUNT_PREVENT_ENUMERATION``) for it:

* sign-up: a clash is hidden exactly like allauth hides an exact duplicate (the "verification sent" page, no
  second account; see :class:`portal.accounts.adapters.AccountAdapter` for who gets the notice);
* add/change email: the user's own address in another spelling is refused; another account's address is
  refused only when enumeration prevention is off, otherwise the verification is never sent nor accepted;
* login and password reset: a look-alike spelling resolves to the account's stored address, so the
  failed-login rate limit counts per account and reset links only go to the stored address.
"""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.forms import default_token_generator
from allauth.account.internal.flows.password_reset import request_password_reset
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from portal.accounts.canonical import canonical_email
from portal.accounts.lookups import assess_canonical_unique, user_with_canonical_email

#: Longest address the portal stores (``User.email`` and allauth's ``EmailAddress.email``); Django's form field
#: would let 320 through and the database would then fail.
EMAIL_MAX_LENGTH = 254


def _limit_email_length(form) -> None:
    field = form.fields.get("email")
    if field is not None:
        field.max_length = EMAIL_MAX_LENGTH
        field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
        field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


def _name_field(field_name: str, label, required_message, autocomplete: str) -> forms.CharField:
    """A required name field as long as ``User.<field_name>`` allows; trimmed, otherwise kept as typed.

    Any script is accepted (Latin with diacritics, Cyrillic, Turkish İ/ı…): no case change, no transliteration.
    """
    max_length = get_user_model()._meta.get_field(field_name).max_length
    return forms.CharField(
        label=label,
        max_length=max_length,
        strip=True,
        error_messages={"required": required_message},
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


def first_name_field() -> forms.CharField:
    """The "First name" field of sign-up and of the "Your name" page (required, ``User.first_name`` length)."""
    return _name_field("first_name", _("First name"), _("Enter your first name."), "given-name")


def last_name_field() -> forms.CharField:
    """The "Last name" field of sign-up and of the "Your name" page (required, ``User.last_name`` length)."""
    return _name_field("last_name", _("Last name"), _("Enter your last name."), "family-name")


class SignupForm(AllauthSignupForm):
    """Sign-up by name, email and password; an address whose canonical key is taken never makes a second account.

    ``first_name`` and ``last_name`` are stored by allauth's ``DefaultAccountAdapter.save_user`` (it reads both
    from ``cleaned_data``); they are printed on certificates and shown to organisers instead of the address.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_email_length(self)
        self.fields["first_name"] = first_name_field()
        self.fields["last_name"] = last_name_field()
        self.order_fields(["first_name", "last_name", "email"])

    def validate_unique_email(self, value: str) -> str:
        """allauth's exact-duplicate check, then the canonical-key check with the same enumeration rules.

        Raises ``ValidationError`` ("A user is already registered…") only when enumeration prevention allows
        it; otherwise sets ``account_already_exists`` so ``try_save`` answers as for a new address.
        """
        email = super().validate_unique_email(value)
        if not self.account_already_exists:
            assessment = assess_canonical_unique(email)
            if assessment is False:
                raise get_adapter().validation_error("email_taken")
            if assessment is None:
                self.account_already_exists = True
        return email

    def try_save(self, request):
        """Save the user; a race lost on the ``email_canonical`` constraint is answered like a duplicate."""
        if self.account_already_exists:
            return super().try_save(request)
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            if user_with_canonical_email(self.cleaned_data.get("email", "")) is None:
                raise
            self.account_already_exists = True
            return super().try_save(request)


class LoginForm(AllauthLoginForm):
    """Sign-in by email; any spelling with the account's canonical key signs in to that account."""

    def clean_login(self) -> str:
        """Return the stored address of the account with the same canonical key, else the typed address."""
        login = super().clean_login()
        owner = user_with_canonical_email(login)
        if owner is not None and owner.email:
            return owner.email
        return login


class AddEmailForm(AllauthAddEmailForm):
    """Add (with ``ACCOUNT_CHANGE_EMAIL``: change to) an address; look-alikes of taken addresses are refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_email_length(self)

    def clean_email(self) -> str:
        """Raise ``ValidationError`` for a spelling of one of the user's own addresses, or — when enumeration
        prevention is off — of another account's address."""
        value = super().clean_email()
        adapter = get_adapter()
        key = canonical_email(value)
        own = [self.user.email, *EmailAddress.objects.filter(user_id=self.user.pk).values_list("email", flat=True)]
        if any(canonical_email(address) == key for address in own if address):
            raise adapter.validation_error("duplicate_email")
        if (
            account_settings.UNIQUE_EMAIL
            and not account_settings.PREVENT_ENUMERATION
            and user_with_canonical_email(value, exclude=self.user) is not None
        ):
            raise adapter.validation_error("email_taken")
        return value


class ResetPasswordForm(AllauthResetPasswordForm):
    """Password reset request; a look-alike spelling sends the link to the account's stored address only."""

    canonical_owner = None

    def clean_email(self) -> str:
        email = super().clean_email()
        if not self.users:
            owner = user_with_canonical_email(email)
            if owner is not None and owner.is_active:
                self.canonical_owner = owner
        return email

    def save(self, request, **kwargs) -> str:
        """Send the reset mail (allauth's flow); returns the typed address, as allauth does."""
        owner = self.canonical_owner
        if owner is None or account_settings.PASSWORD_RESET_BY_CODE_ENABLED:
            return super().save(request, **kwargs)
        token_generator = kwargs.get("token_generator", default_token_generator)
        request_password_reset(request, owner.email, [owner], token_generator)
        return self.cleaned_data["email"]


class ProfileForm(forms.ModelForm):
    """The "Your name" page: first and last name (required) and the language the portal writes to the user in.

    ``preferred_language`` is one of ``settings.LANGUAGES``; mails, notifications and calendar feeds sent
    without a request use it.
    """

    first_name = first_name_field()
    last_name = last_name_field()
    preferred_language = forms.ChoiceField(
        label=_("Language of emails and notifications"),
        choices=settings.LANGUAGES,
        help_text=_("The portal writes to you in this language."),
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "preferred_language"]
