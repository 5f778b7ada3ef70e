"""Demo users, one per role, and the Django groups that carry their permissions.

Passwords and TOTP secrets are generated at random when a user is first created (or when ``--reset-passwords``
is given); they are never stored in the repository. :func:`ensure_demo_users` returns them so the command can
print them, which it does only when ``settings.DEBUG`` is true. Existing users are left alone (idempotent).
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from portal.accounts.roles import REVIEWERS_GROUP as ROLE_REVIEWERS_GROUP

DEMO_DOMAIN = "demo.iwportal.org"

STAFF_GROUP = "Programme staff"
DAG_COORDINATORS_GROUP = "DAG coordinators"
DAG_MEMBERS_GROUP = "DAG members"
APPLICANTS_GROUP = "CSO applicants"
REVIEWERS_GROUP = ROLE_REVIEWERS_GROUP  # one name for the role (portal.accounts.roles) and the demo group

GROUPS = [STAFF_GROUP, DAG_COORDINATORS_GROUP, DAG_MEMBERS_GROUP, APPLICANTS_GROUP, REVIEWERS_GROUP]


@dataclass(frozen=True)
class DemoRole:
    """One demo account: ``email`` (login), names, ``group`` (Django group), flags, and whether TOTP is set up."""

    key: str
    email: str
    first_name: str
    last_name: str
    group: str
    is_staff: bool = False
    is_superuser: bool = False
    totp: bool = False


ROLES = [
    DemoRole("admin", f"admin@{DEMO_DOMAIN}", "Ada", "Admin", STAFF_GROUP, is_staff=True, is_superuser=True, totp=True),
    DemoRole("staff", f"staff@{DEMO_DOMAIN}", "Stela", "Staff", STAFF_GROUP, is_staff=True, totp=True),
    DemoRole("dag_coordinator", f"dag-coordinator@{DEMO_DOMAIN}", "Dario", "Coordinator", DAG_COORDINATORS_GROUP),
    DemoRole("dag_member", f"dag-member@{DEMO_DOMAIN}", "Mira", "Member", DAG_MEMBERS_GROUP),
    DemoRole("applicant", f"applicant@{DEMO_DOMAIN}", "Arben", "Applicant", APPLICANTS_GROUP),
    # Reviewers must use two-factor sign-in like staff (portal.accounts.mfa.mfa_required_for).
    DemoRole("reviewer", f"reviewer@{DEMO_DOMAIN}", "Rana", "Reviewer", REVIEWERS_GROUP, totp=True),
]

# Model permissions of the staff group: (app_label, codename).
STAFF_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("cms", "add_mainmenu"),
    ("cms", "change_mainmenu"),
    ("cms", "delete_mainmenu"),
    ("cms", "change_footersettings"),
    ("cms", "view_pledge"),
    ("wagtail_localize", "submit_translation"),
    ("wagtailredirects", "add_redirect"),
    ("wagtailredirects", "change_redirect"),
    ("wagtailredirects", "delete_redirect"),
    ("grants", "add_call"),
    ("grants", "change_call"),
    ("grants", "view_call"),
    ("grants", "view_application"),
    # Community → Organisations: list, inspect and mark verified (community/wagtail_hooks.py).
    ("community", "view_organisation"),
    ("community", "change_organisation"),
    # Community → Communities, Memberships, Invitations, Requests to join (community/admin_*.py).
    ("community", "add_community"),
    ("community", "change_community"),
    ("community", "view_community"),
    ("community", "add_membership"),
    ("community", "change_membership"),
    ("community", "view_membership"),
    ("community", "add_communityinvitation"),
    ("community", "change_communityinvitation"),
    ("community", "view_communityinvitation"),
    ("community", "change_joinrequest"),
    ("community", "view_joinrequest"),
    # Events → Registrations: list and inspect (read-only; events/admin_registrations.py). Seats and attendance
    # change on the event's organiser pages, which staff reach as organisers of every event.
    ("events", "view_registration"),
]
# Page permissions on Wagtail's root page (so they cover every locale's tree).
STAFF_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Collection permissions on the root collection: (app_label, codename).
STAFF_COLLECTION_PERMISSIONS = [
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtaildocs", "delete_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtailimages", "delete_image"),
]


@dataclass(frozen=True)
class Credential:
    """A secret generated for a demo user in this run (``totp_secret`` is base32, or empty)."""

    email: str
    role: str
    password: str
    totp_secret: str = ""


def _permissions(pairs):
    found = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.filter(codename__in=[codename for _app, codename in pairs]).select_related(
            "content_type"
        )
    }
    return [found[pair] for pair in pairs if pair in found]


def ensure_groups() -> dict[str, Group]:
    """Create the role groups (by name) and give the staff group its Wagtail permissions. Idempotent."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
    staff = groups[STAFF_GROUP]
    staff.permissions.add(*_permissions(STAFF_MODEL_PERMISSIONS))

    root_page = Page.get_first_root_node()
    for perm in _permissions([("wagtailcore", codename) for codename in STAFF_PAGE_PERMISSIONS]):
        GroupPagePermission.objects.get_or_create(group=staff, page=root_page, permission=perm)

    root_collection = Collection.get_first_root_node()
    for perm in _permissions(STAFF_COLLECTION_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(group=staff, collection=root_collection, permission=perm)
    return groups


def _new_password() -> str:
    return secrets.token_urlsafe(15)


def _activate_totp(user) -> str:
    """Give ``user`` a fresh TOTP authenticator (and recovery codes, as allauth's own flow does); return the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


@transaction.atomic
def ensure_demo_users(reset_passwords: bool = False) -> list[Credential]:
    """Create the demo users that are missing; return the secrets generated in this call.

    A new user gets a random password, a verified primary allauth ``EmailAddress``, its role group, and (for
    staff, admin and reviewer) a TOTP authenticator with a random secret. An existing user keeps its password and
    authenticator unless ``reset_passwords`` is true, in which case both are replaced and returned.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    groups = ensure_groups()
    User = get_user_model()
    generated: list[Credential] = []
    for role in ROLES:
        user = User.objects.filter(email__iexact=role.email).first()
        created = user is None
        if created:
            user = User(email=role.email)
        user.first_name = role.first_name
        user.last_name = role.last_name
        user.is_staff = role.is_staff
        user.is_superuser = role.is_superuser
        user.is_active = True
        password = ""
        if created or reset_passwords:
            password = _new_password()
            user.set_password(password)
        user.save()
        user.groups.add(groups[role.group])
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})

        totp_secret = ""
        if role.totp:
            has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
            if created or reset_passwords or not has_totp:
                totp_secret = _activate_totp(user)
        if password or totp_secret:
            generated.append(Credential(role.email, role.key, password, totp_secret))
    return generated
