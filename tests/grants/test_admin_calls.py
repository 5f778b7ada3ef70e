"""Staff admin of calls: who may reach it, the form keeps times in the call's zone, and rules freeze at opening."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from grants.models import Call
from tests.grants.admin_forms import form_data
from tests.grants.factories import open_call
from tests.portal.factories import UserFactory

SKOPJE = ZoneInfo("Europe/Skopje")


@pytest.fixture
def call_staff(staff_user):
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="grants", codename__in=["add_call", "change_call", "view_call"]
        )
    )
    return staff_user


def upcoming_call(**fields):
    now = timezone.now()
    opens = (now + datetime.timedelta(days=5)).astimezone(SKOPJE).replace(hour=9, minute=0, second=0, microsecond=0)
    closes = (now + datetime.timedelta(days=40)).astimezone(SKOPJE).replace(hour=16, minute=0, second=0, microsecond=0)
    return open_call(opens_at=opens, closes_at=closes, **fields)


@pytest.mark.django_db
def test_calls_admin_refuses_anonymous_and_non_staff(client):
    url = reverse("grants_calls:index")
    assert client.get(url).status_code == 302
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.user_permissions.add(Permission.objects.get(codename="view_call"))
    client.force_login(user)
    response = client.get(url)
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_calls_admin_lists_calls_for_staff(client, call_staff):
    open_call(title="North Macedonia call 2025")
    client.force_login(call_staff)
    response = client.get(reverse("grants_calls:index"))
    assert response.status_code == 200
    assert "North Macedonia call 2025" in response.content.decode()


@pytest.mark.django_db
def test_edit_form_shows_and_stores_times_in_the_call_zone(client, call_staff):
    call = upcoming_call()
    client.force_login(call_staff)
    url = reverse("grants_calls:edit", args=[call.pk])
    html = client.get(url).content.decode()
    local_close = call.closes_at.astimezone(SKOPJE).strftime("%Y-%m-%d 16:00")
    assert local_close in html
    data = form_data(html)
    data["closes_at"] = [call.closes_at.astimezone(SKOPJE).strftime("%Y-%m-%d 17:30")]
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        [f.errors for f in response.context["form"].formsets.values()],
    )
    call.refresh_from_db()
    assert call.closes_at.astimezone(SKOPJE).strftime("%H:%M") == "17:30"


@pytest.mark.django_db
def test_rules_may_change_before_opening(client, call_staff):
    call = upcoming_call()
    client.force_login(call_staff)
    url = reverse("grants_calls:edit", args=[call.pk])
    data = form_data(client.get(url).content.decode())
    data["max_grant"] = ["16000.00"]
    response = client.post(url, data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.max_grant == Decimal("16000.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"max_grant": ["20000.00"]},
        {"pass_mark": ["50"]},
        {"lots-0-max_grant": ["99000.00"]},
        {"criteria-0-weight": ["40"]},
    ],
)
def test_rules_cannot_change_after_opening(client, call_staff, change):
    call = open_call()  # opened yesterday
    before = Call.objects.get(pk=call.pk).rules_snapshot()
    client.force_login(call_staff)
    url = reverse("grants_calls:edit", args=[call.pk])
    data = form_data(client.get(url).content.decode())
    data.update(change)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The rules of this call are frozen" in response.content.decode()
    call = Call.objects.get(pk=call.pk)
    assert call.rules_snapshot() == before


@pytest.mark.django_db
def test_title_may_change_after_opening(client, call_staff):
    call = open_call()
    client.force_login(call_staff)
    url = reverse("grants_calls:edit", args=[call.pk])
    data = form_data(client.get(url).content.decode())
    data["title"] = ["Corrected title"]
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        [f.errors for f in response.context["form"].formsets.values()],
    )
    call.refresh_from_db()
    assert call.title == "Corrected title"


@pytest.mark.django_db
def test_eligible_countries_cannot_change_after_opening(client, call_staff):
    from tests.portal.factories import CountryFactory

    serbia = CountryFactory(code="RS")
    call = open_call()
    client.force_login(call_staff)
    url = reverse("grants_calls:edit", args=[call.pk])
    data = form_data(client.get(url).content.decode())
    data["eligible_countries"] = [*data["eligible_countries"], str(serbia.pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "frozen since it opened" in response.content.decode()
    assert list(call.eligible_countries.values_list("code", flat=True)) == ["MK"]


@pytest.mark.django_db
def test_deleting_a_lot_after_opening_is_refused(client, call_staff):
    call = open_call()
    client.force_login(call_staff)
    url = reverse("grants_calls:edit", args=[call.pk])
    data = form_data(client.get(url).content.decode())
    data["lots-2-DELETE"] = ["1"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "frozen since it opened" in response.content.decode()
    assert call.lots.count() == 3
