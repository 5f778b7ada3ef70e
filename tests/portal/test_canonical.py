"""portal.accounts.canonical: one comparison key per address, enforced by the database and the admin forms."""

import pytest
from django.db import IntegrityError, transaction
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from wagtail.users.forms import UserCreationForm, UserEditForm

from portal.accounts.canonical import MAX_LENGTH, canonical_email
from portal.models import User


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("Ana@X.org", "ana@x.org"),  # case
        ("ANA@X.ORG", "ana@x.org"),
        ("İpek@x.org", "ipek@x.org"),  # Turkish capital dotted I
        ("IPEK@x.org", "ipek@x.org"),  # Latin capital I
        ("ıpek@x.org", "ipek@x.org"),  # Turkish dotless i
        ("i\u0307pek@x.org", "ipek@x.org"),  # i + combining dot above ("İ".lower())
        ("ipek@İstanbul.org", "ipek@istanbul.org"),
        ("ＡＮＡ＠ｘ．ｏｒｇ", "ana@x.org"),  # full-width (NFKC)
        ("ana@ｘ.org", "ana@x.org"),
        ("аna@x.org", "ana@x.org"),  # Cyrillic а
        ("ana@xаmple.org", "ana@xample.org"),
        ("оrсе@x.org", "orce@x.org"),  # Cyrillic о, с, е
        ("реter@x.org", "peter@x.org"),  # Cyrillic р, е
        ("ΑΝΑ@x.org", "ana@x.org"),  # Greek capitals Α, Ν (not "ava")
        ("ΙVAN@x.org", "ivan@x.org"),  # Greek capital iota reads as I
        ("οlga@x.org", "olga@x.org"),  # Greek ο
        ("straße@x.de", "strasse@x.de"),  # case folding
        ("ﬁlip@x.org", "filip@x.org"),  # ligature
        ("ana@x。org", "ana@x.org"),  # ideographic full stop, a dot for IDNA
        # Browsers send an internationalised domain in punycode: "exаmple.org" with a Cyrillic а arrives so.
        ("ana@xn--exmple-4nf.org", "ana@example.org"),
        ("ana@XN--EXMPLE-4NF.ORG", "ana@example.org"),
        ("  ana@x.org ", "ana@x.org"),
    ],
)
def test_lookalike_spellings_share_one_key(variant, plain):
    assert canonical_email(variant) == canonical_email(plain) == plain


@pytest.mark.parametrize(("one", "other"), [("čedo@x.org", "cedo@x.org"), ("şule@x.org", "sule@x.org")])
def test_letters_with_diacritics_stay_distinct(one, other):
    """č and c, ş and s are different letters (different mailboxes), not look-alikes."""
    assert canonical_email(one) != canonical_email(other)


@pytest.mark.parametrize("odd", ["", "   ", None, "@", "@@@", "no-at-sign", "\x00", "\ud800", "a" * 5000, "ß" * 300])
def test_odd_input_does_not_crash_and_stays_bounded(odd):
    key = canonical_email(odd)
    assert isinstance(key, str)
    assert len(key) <= MAX_LENGTH


def test_overlong_keys_stay_distinct():
    assert canonical_email("ß" * 200 + "a@x.org") != canonical_email("ß" * 200 + "b@x.org")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_stable_bounded_key(text):
    key = canonical_email(text)
    assert len(key) <= MAX_LENGTH
    assert canonical_email(key) == key
    assert canonical_email(text.upper()) == canonical_email(text.lower()) or not text.isascii()


@settings(max_examples=200, deadline=None)
@given(st.emails())
def test_ascii_addresses_key_is_their_lower_case(email):
    # A punycode (xn--) label is an internationalised domain in ASCII dress: it is decoded first (tested above).
    assume("xn--" not in email.rpartition("@")[2].lower())
    assert canonical_email(email) == email.strip().lower()


@settings(max_examples=200, deadline=None)
@given(st.emails())
def test_an_address_and_its_punycode_spelling_share_a_key(email):
    local, _, domain = email.rpartition("@")
    assume(all(ord(c) < 128 for c in domain) and "xn--" not in domain.lower())
    unicode_domain = domain.replace("a", "\u0430")  # Cyrillic а, a confusable of Latin a
    try:
        punycode_domain = unicode_domain.encode("idna").decode("ascii")
    except UnicodeError:
        assume(False)
    assert canonical_email(f"{local}@{punycode_domain}") == canonical_email(f"{local}@{unicode_domain}")


# --- database level ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "duplicate"),
    [
        ("ana@x.org", "ANA@X.ORG"),
        ("ipek@x.org", "İpek@x.org"),
        ("ipek@x.org", "ıpek@x.org"),
        ("ana@x.org", "ａｎａ@x.org"),
        ("ana@x.org", "аna@x.org"),
        ("ana@xample.org", "ana@xаmple.org"),
    ],
)
def test_database_refuses_a_second_account_with_the_same_key(existing, duplicate):
    User.objects.create_user(existing, "pw-not-used-123")
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email=duplicate).save()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_changing_email_with_update_fields_keeps_the_key_in_step():
    ana = User.objects.create_user("ana@x.org")
    other = User.objects.create_user("other@x.org")
    other.email = "АNA@x.org"  # Cyrillic А
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save(update_fields=["email"])
    ana.email = "Ana.New@x.org"
    ana.save(update_fields=["email"])
    ana.refresh_from_db()
    assert ana.email_canonical == "ana.new@x.org"


@pytest.mark.django_db
def test_natural_key_lookup_uses_the_key():
    ana = User.objects.create_user("ana@x.org")
    assert User.objects.get_by_natural_key("ANA@Ｘ.org") == ana


# --- admin forms (Wagtail's user forms are model forms: User.clean runs) ------------------------------------------


def _creation_data(email):
    return {
        "email": email,
        "first_name": "Ana",
        "last_name": "Example",
        "password1": "a-long-unusual-password-42",
        "password2": "a-long-unusual-password-42",
        "is_superuser": False,
    }


@pytest.mark.django_db
def test_wagtail_user_creation_form_refuses_a_lookalike():
    User.objects.create_user("ana@xample.org")
    form = UserCreationForm(data=_creation_data("ana@xаmple.org"))  # Cyrillic а in the domain
    assert not form.is_valid()
    assert "email" in form.errors
    form = UserCreationForm(data=_creation_data("ANA@XAMPLE.ORG"))
    assert not form.is_valid()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_wagtail_user_forms_accept_a_new_address_and_editing_oneself():
    form = UserCreationForm(data=_creation_data("new@x.org"))
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.email_canonical == "new@x.org"
    edit = UserEditForm(
        instance=user,
        data={"email": "New@X.org", "first_name": "Ana", "last_name": "Example", "is_active": True},
    )
    assert edit.is_valid(), edit.errors
