"""Public open data on awards (issue 5, item 7): the "Grants awarded" page and its 360Giving JSON and CSV files.

No sign-in. ``GET /<lang>/grants/awarded/`` (``grants:awarded``) lists the public grants
(:func:`grants.opendata.published_agreements`) with the filters of :class:`grants.filters.AwardedGrantFilter`
(``?country=``, ``?call=``, ``?year=``), totals, and links to the files with the same filters:

* ``/grants/awarded/360giving.json`` (``grants:awarded_json``): the 360Giving data package, ``application/json``.
* ``/grants/awarded/360giving.csv`` (``grants:awarded_csv``): the same grants flattened, formula-safe
  (:func:`portal.exports.stream_csv`), as an attachment.

The files are the same in every language (English data labels) and cacheable by anyone for
:data:`CACHE_SECONDS` (public data, no cookies read); ``Access-Control-Allow-Origin: *`` lets other sites load the
JSON. Without filters they hold every public grant.

**Errors.** An impossible filter value (``?country=ZZ``, ``?call=nonexistent``, ``?year=abc``, ``?year=1900``) is
never ignored: the page answers 400 with the filter form's error and no list; the files answer 400 with an English
message naming the bad filter (JSON ``{"error": ..., "filters": {"<name>": ["<message>"]}}``, plain text for the
CSV). When nothing matches (a valid filter without grants, or no grant published at all) both files answer 404
(JSON ``{"error": "No published grant matches these filters."}``, plain text for the CSV): a 360Giving package
must hold at least one grant, and an empty CSV would look like a broken download.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from portal.exports import stream_csv

from ..filters import AwardedGrantFilter
from ..models import AgreementStatus
from ..opendata import published_agreements, to_360giving, to_csv_rows, with_partners
from ..public_results import approved_final_results

#: Badge colour of each agreement status on the page (the text carries the meaning).
STATUS_BADGES = {"signed": "", "active": "active", "completed": "achieved", "terminated": "closed"}

#: Rows of the public table per page.
GRANTS_PER_PAGE = 25

#: How long browsers and proxies may keep the data files (seconds).
CACHE_SECONDS = 15 * 60


#: Body of the 404 answer of the files (English, like the data).
NO_MATCH_MESSAGE = "No published grant matches these filters."


def _filtered(request):
    """The bound filter set of ``request.GET`` (unbound without parameters) over the public agreements."""
    return AwardedGrantFilter(request.GET or None, queryset=published_agreements())


def _invalid(filters) -> bool:
    """True when ``filters`` is bound and a value is impossible (see :class:`AwardedGrantFilter`)."""
    return filters.is_bound and not filters.is_valid()


def _validated(request) -> tuple[AwardedGrantFilter, dict[str, list[str]]]:
    """The filter set of ``request.GET``, validated, and its errors in English (the files' language):
    ``{name: [message, ...]}``, empty when every value is valid."""
    with translation.override(settings.LANGUAGE_CODE):
        filters = _filtered(request)
        if not _invalid(filters):
            return filters, {}
        return filters, {name: [str(message) for message in messages] for name, messages in filters.errors.items()}


def _error_text(errors: dict[str, list[str]]) -> str:
    """One English sentence naming each bad filter, e.g. ``Invalid filter country=ZZ: Choose a country ...``."""
    return " ".join(f"Invalid filter {name}: {' '.join(messages)}" for name, messages in errors.items())


def _json_error(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")
    return _public_file(response)


def _text_error(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    return _public_file(response)


def _file_query(filters) -> str:
    """The valid filter values as a query string (``country=MK&year=2026``), for the file links; "" for none."""
    from urllib.parse import urlencode

    if not filters.is_bound or not (filters.is_valid() or filters.form.cleaned_data):
        return ""
    params = []
    for name in ("country", "call", "year"):
        raw = filters.data.get(name)
        if raw and name in filters.form.cleaned_data and filters.form.cleaned_data[name] not in (None, ""):
            params.append((name, raw))
    return urlencode(params)


@require_GET
def awarded_grants_page(request):
    """The public "Grants awarded" page: filters, totals (number of grants, EUR awarded, EUR paid), a table of
    :data:`GRANTS_PER_PAGE` grants a page (grantee, project title, call, amount, project dates, status; for a
    completed grant, the results of its approved final report: :mod:`grants.public_results`) and links to the
    360Giving files with the same filters. The number of queries does not depend on the number of grants.

    An impossible filter value answers 400 with the form's error next to the field and no list (never the whole
    list, as if the filter had been applied).
    """
    filters = _filtered(request)
    if _invalid(filters):
        context = {"filters": filters, "invalid_filters": True, "grants": [], "totals": None}
        return render(request, "grants/awarded_grants.html", context, status=400)
    grants = filters.qs
    totals = grants.order_by().aggregate(count=Count("pk"), awarded=Sum("amount_eur"), paid=Sum("disbursed_eur"))
    page = Paginator(grants, GRANTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    results = approved_final_results(grant.pk for grant in rows if grant.status == AgreementStatus.COMPLETED)
    for grant in rows:
        grant.badge_variant = STATUS_BADGES.get(grant.status, "")
        grant.public_results = results.get(grant.pk, "")
    query = _file_query(filters)
    suffix = f"?{query}" if query else ""
    with translation.override(settings.LANGUAGE_CODE):  # the files' stable addresses carry no language prefix
        json_url, csv_url = reverse("grants:awarded_json"), reverse("grants:awarded_csv")
    context = {
        "filters": filters,
        "page_obj": page,
        "grants": rows,
        "totals": totals,
        "json_url": json_url + suffix,
        "csv_url": csv_url + suffix,
    }
    return render(request, "grants/awarded_grants.html", context)


def _public_file(response):
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def awarded_grants_json(request):
    """The 360Giving data package of the public grants matching the filters (all without filters).

    ``accessURL`` is the page, ``downloadURL`` this file (absolute, with the filters). An impossible filter value:
    400 ``{"error": "Invalid filter country: ...", "filters": {"country": [...]}}``. Nothing matches (or nothing
    published): 404 ``{"error": "No published grant matches these filters."}`` (the package schema wants at least
    one grant).
    """
    filters, errors = _validated(request)
    if errors:
        return _json_error(400, {"error": _error_text(errors), "filters": errors})
    with translation.override(settings.LANGUAGE_CODE):
        page_url = request.build_absolute_uri(reverse("grants:awarded"))
        file_url = request.build_absolute_uri(reverse("grants:awarded_json"))
    query = _file_query(filters)
    package = to_360giving(
        with_partners(filters.qs),
        base_url=page_url,
        download_url=f"{file_url}?{query}" if query else file_url,
        publisher={"website": request.build_absolute_uri("/")},
    )
    if not package["grants"]:
        return _json_error(404, {"error": NO_MATCH_MESSAGE})
    body = json.dumps(package, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _public_file(response)


@require_GET
def awarded_grants_csv(request):
    """The public grants matching the filters as a 360Giving-flattened CSV attachment
    (``grants-awarded-360giving-<YYYYMMDD>.csv``, UTC date); every cell formula-safe. Errors as plain text: 400
    naming an impossible filter value, 404 when nothing matches (see the module docstring)."""
    filters, errors = _validated(request)
    if errors:
        return _text_error(400, _error_text(errors))
    if not filters.qs.exists():
        return _text_error(404, NO_MATCH_MESSAGE)
    headers, rows = to_csv_rows(with_partners(filters.qs))
    response = stream_csv(f"grants-awarded-360giving-{timezone.now():%Y%m%d}.csv", headers, rows)
    return _public_file(response)
