"""Pieces the community admin views share (``community.admin_communities``, ``community.admin_joining``).

:class:`StaffPolicy` is Wagtail's model-permission policy restricted to active programme staff: a user without
``is_staff`` is refused everything even when a group gave them the model permissions (community members must never
manage memberships through the admin). Actions in ``refused`` are refused to everyone (nobody deletes membership
history); ``aliases`` maps the admin's own actions (``end``, ``revoke``, ``answer``) to the model permission that
grants them.

:class:`ServiceFormView` is a small form page in the admin for one object: GET shows the form, POST validates it
and calls :meth:`~ServiceFormView.act` (a service); a ``ValidationError`` from the service is shown on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from .permissions import is_active_staff


class StaffPolicy(ModelPermissionPolicy):
    """Model permissions for active staff; ``refused`` actions for nobody; ``aliases`` map custom actions."""

    def __init__(self, model, *, refused=("delete",), aliases=None):
        super().__init__(model)
        self.refused = tuple(refused)
        self.aliases = dict(aliases or {})

    def user_has_permission(self, user, action):
        if action in self.refused or not is_active_staff(user):
            return False
        return super().user_has_permission(user, self.aliases.get(action, action))


class ServiceFormView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """One admin form about one object (``model`` row ``pk``), acting through a service.

    Subclasses set ``model``, ``permission_policy``, ``permission_required``, ``page_title``, ``form_class``,
    ``submit_label``, ``index_url_name`` and define :meth:`act` (return the success message). :meth:`get_queryset`
    may narrow the rows (e.g. only pending ones): others answer 404.
    """

    model = None
    template_name = "community/admin/service_form.html"
    header_icon = "group"
    form_class = forms.Form
    submit_label = _("Save")
    index_url_name = ""
    intro = ""

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pk = pk

    def get_queryset(self):
        return self.model.objects.all()

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": capfirst(self.model._meta.verbose_name_plural)},
            {"url": None, "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) rows describing the object above the form."""
        return []

    def form_kwargs(self) -> dict:
        return {}

    def render_form(self, form, status: int = 200):
        context = self.get_context_data(
            form=form,
            summary=self.summary(),
            intro=self.intro,
            submit_label=self.submit_label,
            back_url=reverse(self.index_url_name),
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.get_queryset(), pk=self.pk)
        return self.render_form(self.form_class(**self.form_kwargs()))

    def post(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.get_queryset(), pk=self.pk)
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                message = self.act(form)
            except ValidationError as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                messages.success(request, message)
                return redirect(self.index_url_name)
        return self.render_form(form, status=400)

    def act(self, form) -> str:
        """Do the step with the valid ``form`` through a service; return the success message."""
        raise NotImplementedError(f"{type(self).__name__} must define act()")


class ServiceSaveMixin:
    """For Wagtail's generic create and edit views whose ``save_instance`` calls a service: a
    ``ValidationError`` it raises is shown on the form (the transaction is rolled back) instead of a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
            self.produced_error_code = "invalid"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
