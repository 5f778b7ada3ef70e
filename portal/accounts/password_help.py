"""Django's password-validator help texts, marked here so that our catalogues carry them.

Django's own catalogues lack these strings for Bosnian (all four) and Macedonian (three), so the sign-up and
password pages showed English hints in those languages. Listing the exact msgids here makes ``make messages`` put
them in ``locale/``, which ``LOCALE_PATHS`` gives precedence over Django's catalogues. Nothing imports this module
at run time; the texts themselves still come from ``django.contrib.auth.password_validation``.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

VALIDATOR_HELP_TEXTS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
