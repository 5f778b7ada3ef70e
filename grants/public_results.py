"""What a completed grant achieved, for the public "Grants awarded" page (issue 5, item 6: "its results feed the
public page").

**Source.** Only the final report *as staff approved it*: the "results against the planned results" text of the
submitted version that has an approval (:class:`~grants.models.ReportReview` rows: a ``submitted`` snapshot and an
``approved`` review of the same version). Never the report's working copy: a draft, a version waiting for review
or one sent back for changes is not public, and neither is anything of a grant that is not completed.

**Shape.** Plain text, shortened to :data:`SUMMARY_LENGTH` characters at a word boundary (with "…"), white space
collapsed, control characters dropped (:func:`portal.sanitize.clean_plain_text`); templates escape it. The field is
about the project's results, not people, but grantees do write contact details into reports: email addresses and
phone numbers are replaced with "[…]" before anything is shown. Names of people cannot be told apart from names of
institutions, so the report form tells the grantee that the final report's results are published, and the staff
review page says so next to the text staff approve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.db.models.fields.json import KeyTextTransform

from portal.sanitize import clean_plain_text

from .models import AgreementStatus, ReportKind, ReportReview, ReportReviewOutcome, ReportStatus

#: Longest public summary of a grant's results (characters, "…" included).
SUMMARY_LENGTH = 600

#: What stands in for a removed email address or phone number.
REDACTED = "[…]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A phone number: "+" or a leading 0 (the trunk prefix in the programme's countries, also in "(02)"), then at least
# seven more digits, possibly separated by spaces, dashes, slashes or brackets ("+389 2 3100 200", "(02) 3100-200",
# "070/123-456", "00389 …"). Dates ("30.11.2026"), years and amounts ("EUR 1 200 000", "6,000.00") stay.
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(0|0)(?:[\s/()-]*\d){7,}(?!\w)")
_SPACE = re.compile(r"\s+")


def public_summary(text: str | None, limit: int = SUMMARY_LENGTH) -> str:
    """``text`` made fit for the public page: control characters dropped, email addresses and phone numbers
    replaced with :data:`REDACTED`, white space collapsed to single spaces, and cut at a word boundary to at most
    ``limit`` characters with "…" when longer. Empty string for empty text."""
    cleaned = clean_plain_text(text or "")
    cleaned = _EMAIL.sub(REDACTED, cleaned)
    cleaned = _PHONE.sub(REDACTED, cleaned)
    cleaned = _SPACE.sub(" ", cleaned).strip()
    if len(cleaned) <= limit:
        return cleaned
    cut = cleaned[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–") + "…"


def approved_final_results(agreement_ids: Iterable[int]) -> dict[int, str]:
    """``{agreement id: public summary}`` for the *completed* agreements among ``agreement_ids`` whose final report
    was approved, from the text of the approved version (see the module docstring); agreements without one are left
    out. One query whatever the number of agreements."""
    ids = list(agreement_ids)
    if not ids:
        return {}
    approved_version = ReportReview.objects.filter(
        report=OuterRef("report"), version=OuterRef("version"), outcome=ReportReviewOutcome.APPROVED
    )
    rows = (
        ReportReview.objects.filter(
            outcome=ReportReviewOutcome.SUBMITTED,
            report__requirement__kind=ReportKind.FINAL,
            report__requirement__status=ReportStatus.APPROVED,
            report__requirement__agreement__status=AgreementStatus.COMPLETED,
            report__requirement__agreement_id__in=ids,
        )
        .filter(Exists(approved_version))
        .annotate(results=KeyTextTransform("results", "snapshot"))
        .order_by("report__requirement__agreement_id", "version", "pk")
        .values_list("report__requirement__agreement_id", "results")
    )
    summaries: dict[int, str] = {}
    for agreement_id, results in rows:  # ordered by version: the latest approved version wins
        summary = public_summary(results)
        if summary:
            summaries[agreement_id] = summary
    return summaries
