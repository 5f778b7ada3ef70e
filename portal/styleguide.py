"""The living style guide: every shared design component rendered with sample data.

A reference for template authors (which classes and include templates exist, and how they look). It is a
developer tool, shown only when ``settings.DEBUG`` is on or to staff users; everyone else gets a 404. Its sample
content is deliberately not marked for translation (it is not part of the public interface); the components it
includes carry their own translated strings.
"""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


class SampleForm(forms.Form):
    """A form with one field of each common kind, bound with bad data so that the error styles show."""

    name = forms.CharField(label="Full name", max_length=100, help_text="As it should appear on the certificate.")
    email = forms.EmailField(label="Email address")
    country = forms.ChoiceField(
        label="Country",
        choices=[
            ("", "Choose a country"),
            ("ba", "Bosnia and Herzegovina"),
            ("xk", "Kosovo"),
            ("mk", "North Macedonia"),
            ("rs", "Serbia"),
            ("tr", "Türkiye"),
        ],
    )
    role = forms.ChoiceField(
        label="Your role",
        widget=forms.RadioSelect,
        choices=[("dag", "DAG member"), ("cso", "CSO staff"), ("other", "Other")],
        required=False,
    )
    message = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    consent = forms.BooleanField(
        label="I agree that my name is shown publicly as a signatory.",
        help_text="You can withdraw your signature at any time.",
    )


def styleguide(request: HttpRequest) -> HttpResponse:
    """Render templates/styleguide.html; 404 unless DEBUG is on or the user is staff.

    Query parameter ``page`` (int) moves the sample pagination, to show how it keeps other parameters.
    """
    if not (settings.DEBUG or request.user.is_staff):
        raise Http404
    form = SampleForm(data={"name": "Ana Petrović", "email": "ana@", "country": "", "role": "dag"})
    form.is_valid()
    page_obj = Paginator(range(1, 241), 10).get_page(request.GET.get("page", 7))
    crumbs = [{"url": reverse("wagtail_serve", args=[""]), "title": "Home"}]
    return render(request, "styleguide.html", {"form": form, "page_obj": page_obj, "styleguide_crumbs": crumbs})
