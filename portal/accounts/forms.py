"""Account forms used by allauth (see ``ACCOUNT_FORMS``)."""

from allauth.account.forms import SignupForm as AllauthSignupForm


class SignupForm(AllauthSignupForm):
    """Sign-up by email and password."""
