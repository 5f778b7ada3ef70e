"""Core models: the User (email is the login) and the shared Country reference of the five programme countries."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.canonical import canonical_email


class UserManager(BaseUserManager):
    """Manager for :class:`User`; ``create_user(email, password=None, **fields)``.

    Raises ``ValueError`` when ``email`` is empty.
    """

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError(_("An email address is required."))
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        """Look a user up by any spelling of their email that canonicalises to the same key."""
        return self.get(email_canonical=canonical_email(username))


class User(AbstractUser):
    """A person with an account. Email is the login; there is no username.

    ``email_canonical`` holds :func:`portal.accounts.canonical.canonical_email` of ``email``, set on every save,
    and carries the database uniqueness constraint, so ``Ana@x.org``, ``ana@X.org`` and a confusable spelling
    can never be two accounts.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    email_canonical = models.CharField(_("canonical email"), max_length=254, editable=False)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["email_canonical"], name="portal_user_email_canonical_unique"),
        ]

    def clean(self):
        """Validate for model forms (Wagtail and Django admin user forms): refuse another account's address.

        Raises ``ValidationError`` on ``email`` when another user has the same canonical key. Staff-facing, so
        the message may say the address is taken (sign-up uses allauth's enumeration-safe path instead).
        """
        super().clean()
        self.email_canonical = canonical_email(self.email)
        if self.email_canonical:
            others = type(self)._default_manager.filter(email_canonical=self.email_canonical)
            if self.pk is not None:
                others = others.exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {"email": _("A user with this email address, or one that looks the same, already exists.")},
                    code="email_canonical_taken",
                )

    def save(self, *args, **kwargs):
        self.email_canonical = canonical_email(self.email)
        if kwargs.get("update_fields") is not None and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "email_canonical"}
        super().save(*args, **kwargs)

    def __str__(self):
        return self.get_full_name() or self.email


class Country(models.Model):
    """One of the five programme countries (shared reference used by every app).

    ``code`` is the ISO 3166-1 alpha-2 code (``XK`` for Kosovo, user-assigned); ``timezone`` is an IANA zone
    name used as the default for calls and events held there.
    """

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    local_name = models.CharField(_("name in the local language"), max_length=100, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Belgrade")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        from portal.countries import display_name

        return str(display_name(self.code, self.name))
