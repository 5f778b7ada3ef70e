"""Forms of a community's workspace: share a document, start or answer a discussion, close it, report a post,
publish an announcement.

Forms only shape input; the rules live in :mod:`community.services.workspace`. Each form that creates a row carries
a hidden random ``request_token`` (:class:`TokenForm`) so that a double-clicked or re-sent form creates one row.
Rich text is typed in a plain ``<textarea>`` (:class:`RichTextArea`): text without markup keeps its paragraphs and
line breaks; simple HTML is allowed; everything passes :func:`portal.sanitize.clean_html`.
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.conf import settings
from django.utils.html import linebreaks
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.files import ALLOWED_LABEL, format_megabytes
from portal.sanitize import SanitizedHTMLField

from .models import Visibility, document_language_choices

#: Something that looks like an HTML tag, a comment or a doctype (``<p``, ``</``, ``<!``).
_MARKUP = re.compile(r"<[A-Za-z/!]")
#: A tag that lays out paragraphs or lines itself: text holding one is taken as HTML as it is.
_BLOCK_MARKUP = re.compile(r"<(p|br|div|ul|ol|li|table|blockquote|h[1-6]|pre|hr)\b", re.IGNORECASE)

#: Longest message or conclusion accepted, in characters (about 20 pages of text).
MAX_MESSAGE_LENGTH = 50_000


def new_token() -> str:
    """A random form token (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


class RichTextArea(SanitizedHTMLField):
    """A textarea for a message: typed line breaks and empty lines become ``<br>`` and paragraphs (Django's
    ``linebreaks``; plain text is escaped first) unless the text lays out its own paragraphs with HTML; allowed
    HTML (bold, italic, lists, links…) is kept.

    The cleaned value is :func:`portal.sanitize.clean_html` output (scripts, styles and event handlers gone).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_MESSAGE_LENGTH)
        kwargs.setdefault(
            "help_text",
            _("Separate paragraphs with an empty line. Simple formatting (bold, italic, lists, links) may be typed "
              "as HTML; anything else is removed."),
        )  # fmt: skip
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = forms.CharField.to_python(self, value)
        if value and not _BLOCK_MARKUP.search(value):
            value = linebreaks(value, autoescape=not _MARKUP.search(value))
        return super().to_python(value)


class TokenForm(forms.Form):
    """A form with a hidden random ``request_token`` (a new one for each unbound form)."""

    request_token = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_token", new_token())


class DocumentForm(TokenForm):
    """Share a file: title, description, language, who may see it, the file."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = forms.ChoiceField(label=_("Language of the document"), choices=document_language_choices)
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.MEMBERS,
        widget=forms.RadioSelect,
        help_text=_("Public documents are also listed on the community's public page and anyone may download them."),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        codes = {code.lower(): code for code, _label in document_language_choices()}
        self.fields["language"].initial = codes.get(language, settings.LANGUAGE_CODE)
        self.fields["file"].help_text = _("Accepted types: %(types)s. At most %(limit)s MB.") % {
            "types": ALLOWED_LABEL,
            "limit": format_megabytes(settings.COMMUNITY_DOCUMENT_MAX_BYTES),
        }


class ThreadForm(TokenForm):
    """Start a discussion: a title and the first message."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = RichTextArea(label=_("Message"))


class ReplyForm(TokenForm):
    """Answer in a discussion."""

    body = RichTextArea(label=_("Your reply"))


class CloseThreadForm(forms.Form):
    """A coordinator closes a discussion with its conclusion."""

    conclusion = RichTextArea(
        label=_("Conclusion"),
        help_text=_("What the discussion concluded. Shown at the top of the discussion, which then takes no replies."),
    )


class FlagForm(forms.Form):
    """Report a post to the coordinators, with a reason."""

    reason = forms.CharField(
        label=_("Why are you reporting this post?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnnouncementForm(TokenForm):
    """A coordinator's announcement: title and text."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = RichTextArea(label=_("Text"))
