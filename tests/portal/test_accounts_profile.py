"""Names at sign-up and the "Your name" page of "My account" (first name, last name, preferred language)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from portal.models import User
from tests.portal.factories_accounts import UserFactory

# Sign-up mail goes through the outbox and leaves when the request commits; the fixture lets each request commit.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]

PASSWORD = "Skopje-Statement-2025"


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth keeps rate-limit state in the cache; start every test clean."""
    cache.clear()
    yield
    cache.clear()


def _sign_up(client, email, first_name, last_name, url=None):
    return client.post(
        url or reverse("account_signup"),
        {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


# --- sign-up ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [("Марија", "Стојановска"), ("İpek", "Işık"), ("Đorđe", "Šćepanović"), ("Ardita", "Çollaku")],
)
def test_sign_up_stores_the_name_as_typed(client, first_name, last_name):
    response = _sign_up(client, "person@example.org", f"  {first_name} ", f"{last_name}  ")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="person@example.org")
    assert (user.first_name, user.last_name) == (first_name, last_name)


def test_signup_page_asks_for_the_name_first(client):
    page = client.get(reverse("account_signup")).content.decode()
    positions = [page.index(f'for="{field}"') for field in ("id_first_name", "id_last_name", "id_email")]
    assert positions == sorted(positions)
    assert 'autocomplete="given-name"' in page and 'autocomplete="family-name"' in page


@pytest.mark.parametrize(("first_name", "last_name"), [("", "Petrovska"), ("Mila", "   "), ("", "")])
def test_sign_up_without_a_name_is_refused_with_a_message(client, first_name, last_name):
    response = _sign_up(client, "mila@example.mk", first_name, last_name)

    assert response.status_code == 200
    assert not User.objects.filter(email="mila@example.mk").exists()
    html = response.content.decode()
    if not first_name:
        assert "Enter your first name." in html
    if not last_name.strip():
        assert "Enter your last name." in html


def test_sign_up_refuses_a_name_longer_than_the_user_model_allows(client):
    limit = User._meta.get_field("first_name").max_length
    response = _sign_up(client, "long@example.org", "A" * (limit + 1), "Example")

    assert response.status_code == 200
    assert not User.objects.filter(email="long@example.org").exists()


def test_missing_name_message_is_translated(client):
    with translation.override("tr"):
        url = reverse("account_signup")
    response = _sign_up(client, "ipek@example.org", "", "Işık", url=url)

    assert response.status_code == 200
    assert "Enter your first name." not in response.content.decode()
    with translation.override("tr"):
        assert response.context["form"].errors["first_name"] == [translation.gettext("Enter your first name.")]


# --- the "Your name" page ---------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    url = reverse("account_profile")
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    response = client.post(url, {"first_name": "X", "last_name": "Y", "preferred_language": "en"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_user_edits_only_their_own_name(client):
    me = UserFactory(first_name="Ana", last_name="Example", preferred_language="en")
    other = UserFactory(first_name="Besa", last_name="Krasniqi", preferred_language="sq")
    client.force_login(me)
    url = reverse("account_profile")

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Ana"' in html and 'value="Example"' in html and 'aria-current="page"' in html

    # A smuggled user id or email changes nothing but the signed-in user's own name.
    response = client.post(
        url,
        {
            "first_name": " İpek ",
            "last_name": "Işık",
            "preferred_language": "tr",
            "id": other.pk,
            "pk": other.pk,
            "email": other.email,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    me.refresh_from_db()
    other.refresh_from_db()
    assert (me.first_name, me.last_name, me.preferred_language) == ("İpek", "Işık", "tr")
    assert me.email != other.email
    assert (other.first_name, other.last_name, other.preferred_language) == ("Besa", "Krasniqi", "sq")

    followed = client.get(url)
    assert [str(m) for m in followed.context["messages"]] == ["Saved"]


def test_blank_name_on_the_page_is_refused(client):
    me = UserFactory(first_name="Ana", last_name="Example")
    client.force_login(me)

    response = client.post(reverse("account_profile"), {"first_name": " ", "last_name": "", "preferred_language": "en"})

    assert response.status_code == 200
    assert "Enter your first name." in response.content.decode()
    assert "Enter your last name." in response.content.decode()
    me.refresh_from_db()
    assert (me.first_name, me.last_name) == ("Ana", "Example")


def test_unknown_language_is_refused(client):
    me = UserFactory(preferred_language="mk")
    client.force_login(me)

    response = client.post(
        reverse("account_profile"), {"first_name": "A", "last_name": "B", "preferred_language": "xx"}
    )

    assert response.status_code == 200
    me.refresh_from_db()
    assert me.preferred_language == "mk"


def test_page_is_in_the_account_navigation_and_localised(client):
    me = UserFactory()
    client.force_login(me)

    for name in ("account_email", "account_change_password", "account_profile"):
        html = client.get(reverse(name)).content.decode()
        assert f'href="{reverse("account_profile")}"' in html, name
    with translation.override("mk"):
        url = reverse("account_profile")
    assert url.startswith("/mk/accounts/")
    assert client.get(url).status_code == 200


def test_certificate_prints_the_name_set_on_the_page(client):
    from events.certificates import person_name

    me = UserFactory(first_name="", last_name="", email="marija@example.mk")
    assert person_name(me) == "marija@example.mk"
    client.force_login(me)
    client.post(
        reverse("account_profile"), {"first_name": "Марија", "last_name": "Стојановска", "preferred_language": "mk"}
    )

    me.refresh_from_db()
    assert person_name(me) == "Марија Стојановска"
