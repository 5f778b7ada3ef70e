"""Turkish capitalisation: Django capitalises field labels with ``str.upper``, which turns "i" into "I", not "İ".

Found in the Turkish QA walk (issue 3): the organisation form showed "Irtibat kişisi" and "Iletişim e-posta adresi".
Turkish names of model fields therefore start with the capital letter already.
"""

import pytest
from django.apps import apps
from django.utils import translation

from community.forms import OrganisationForm


@pytest.mark.parametrize("app_label", ["community", "grants"])
def test_no_turkish_field_name_starts_with_a_lowercase_i(app_label):
    offenders = []
    with translation.override("tr"):
        for model in apps.get_app_config(app_label).get_models():
            # Fields declared here (those inherited from Wagtail's Page come with Wagtail's own catalogue).
            for field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
                name = str(getattr(field, "verbose_name", "") or "")
                if name.startswith("i"):
                    offenders.append(f"{model.__name__}.{field.name}: {name}")
    assert offenders == []


def test_the_organisation_form_shows_dotted_capital_i_in_turkish():
    with translation.override("tr"):
        form = OrganisationForm()
        labels = {name: str(form.fields[name].label) for name in ("contact_name", "contact_email", "contact_phone")}
    assert labels == {
        "contact_name": "İrtibat kişisi",
        "contact_email": "İletişim e-posta adresi",
        "contact_phone": "İrtibat telefonu",
    }


def test_staff_organisation_list_capitalises_the_verified_column_header(client, staff_user):
    from django.contrib.auth.models import Permission
    from django.urls import reverse
    from wagtail.users.models import UserProfile

    from tests.community.factories import OrganisationFactory

    staff_user.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    profile = UserProfile.get_for_user(staff_user)
    profile.preferred_language = "tr"
    profile.save()
    OrganisationFactory()
    client.force_login(staff_user)

    html = client.get(reverse("organisations:index")).content.decode()

    assert "Doğrulandı" in html
    assert ">doğrulandı<" not in html and "doğrulandı\n" not in html
