"""Certificates of attendance (issue 7 item 6): an A4 landscape PDF drawn with reportlab.

The text uses DejaVu Sans (regular and bold), bundled in ``events/fonts/`` with its licence
(``events/fonts/LICENSE``, Bitstream Vera licence; DejaVu changes are public domain), so that names in Latin with
diacritics (Đorđe Šćepanović), Cyrillic (Марија Јовановска) and Turkish letters (Gülşen Işık İpek) render on a
machine that has only Python: reportlab's built-in fonts cover Latin-1 only. reportlab embeds a subset of the font
with a ToUnicode map, so the text can be selected, searched and extracted.

The certificate is in the active language (the page's locale): its labels go through gettext; the event's title is
the title of the page the person asked from; dates are in the event's zone, named.

Who may download a certificate is ``events.permissions.can_download_certificate``; the view is
``events.views.outcomes.certificate``.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from portal.countries import zone_display_name

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
PAGE_SIZE = landscape(A4)
NAVY = HexColor("#0b2545")
TEAL = HexColor("#13837b")
MUTED = HexColor("#4a5568")


@cache
def register_fonts() -> tuple[str, str]:
    """Register the bundled DejaVu Sans fonts with reportlab (once per process); return (regular, bold) names."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return REGULAR, BOLD


def programme_name() -> str:
    """The programme named on every certificate, in the active language."""
    return _("Integrity Watch in the Western Balkans and Türkiye")


def event_dates(event) -> str:
    """When ``event`` took place, in its zone and named: "12 March 2026, 10:00–12:00 (Europe/Belgrade, CET)" for
    one day, "27 February 2025 – 28 February 2025 (Europe/Skopje)" over several days (a weekly series: from its
    first to its last meeting)."""
    zone = event.zone
    start = event.starts_at.astimezone(zone)
    end = event.last_ends_at.astimezone(zone)
    name = zone_display_name(event.timezone)
    if start.date() == end.date():
        day = formats.date_format(start, "j F Y")
        return f"{day}, {start:%H:%M}–{end:%H:%M} ({name}, {start.tzname()})"
    return f"{formats.date_format(start, 'j F Y')} – {formats.date_format(end, 'j F Y')} ({name})"


def person_name(user) -> str:
    """The name printed on the certificate: the full name, else the email address."""
    return (user.get_full_name() or "").strip() or user.email


def _fit(text: str, font: str, size: float, width: float, smallest: float = 14) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width`` points (at least ``smallest``)."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _centred_lines(canvas: Canvas, text: str, font: str, size: float, y: float, width: float, leading: float):
    """Draw ``text`` centred, wrapped to ``width``; return the y below the last line."""
    middle = PAGE_SIZE[0] / 2
    for line in simpleSplit(text, font, size, width) or [""]:
        canvas.setFont(font, size)
        canvas.drawCentredString(middle, y, line)
        y -= leading
    return y


def certificate_pdf(user, page, *, issued=None) -> bytes:
    """The certificate of attendance of ``user`` at ``page`` (an EventPage, its title in the page's language) as
    PDF bytes: A4 landscape, one page, the person's full name, the event's title, dates in its zone, its city, the
    programme's name and the date of issue (``issued``: aware datetime, default now, shown in the event's zone).

    Does not check permissions: callers do (``events.permissions.can_download_certificate``).
    """
    regular, bold = register_fonts()
    width, height = PAGE_SIZE
    text_width = width - 60 * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZE, pageCompression=1, initialFontName=regular)
    name = person_name(user)
    title = _("Certificate of attendance")
    canvas.setTitle(f"{title} – {name}")
    canvas.setAuthor(programme_name())
    canvas.setSubject(page.title)

    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setStrokeColor(TEAL)
    canvas.setLineWidth(1)
    canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    canvas.setFillColor(TEAL)
    y = height - 48 * mm
    y = _centred_lines(canvas, programme_name(), regular, 13, y, text_width, 17)
    canvas.setFillColor(NAVY)
    y -= 14 * mm
    y = _centred_lines(canvas, title, bold, 34, y, text_width, 40)
    canvas.setFillColor(MUTED)
    y -= 10 * mm
    y = _centred_lines(canvas, _("This is to certify that"), regular, 14, y, text_width, 18)
    canvas.setFillColor(NAVY)
    y -= 6 * mm
    size = _fit(name, bold, 30, text_width)
    y = _centred_lines(canvas, name, bold, size, y, text_width, size + 6)
    canvas.setFillColor(MUTED)
    y -= 8 * mm
    y = _centred_lines(canvas, _("attended"), regular, 14, y, text_width, 18)
    canvas.setFillColor(NAVY)
    y -= 8 * mm
    y = _centred_lines(canvas, page.title, bold, 20, y, text_width, 26)
    canvas.setFillColor(MUTED)
    y -= 4 * mm
    place = ", ".join(part for part in (page.venue, page.city) if part)
    y = _centred_lines(canvas, event_dates(page), regular, 13, y, text_width, 17)
    if place:
        _centred_lines(canvas, place, regular, 13, y, text_width, 17)

    issued = (issued or timezone.now()).astimezone(page.zone)
    canvas.setFont(regular, 10)
    canvas.drawString(
        24 * mm,
        22 * mm,
        _("Issued on %(date)s") % {"date": formats.date_format(issued, "j F Y")},
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
