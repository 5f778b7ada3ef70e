"""Front-end exports (issue 4, item 8): a reviewer downloads their own accepted assignments as CSV.

``GET /<lang>/grants/reviews/export.csv`` (``grants:reviewer_export_csv``): signed-in reviewers only
(:func:`portal.accounts.roles.is_reviewer`); anyone else gets 403, anonymous users the login page. The rows are
:func:`grants.exports.reviewer_export`: only assignments the reviewer accepted (declared no conflict), never ones
pending a declaration, conflicted or removed, and never other reviewers' reviews.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.accounts.roles import is_reviewer
from portal.exports import stream_csv

from ..exports import reviewer_export


@require_GET
@login_required
def reviewer_export_csv(request):
    """Stream the signed-in reviewer's accepted assignments as ``my-reviews-<YYYYMMDD>.csv`` (UTC date)."""
    if not is_reviewer(request.user):
        raise PermissionDenied
    headers, rows = reviewer_export(request.user)
    return stream_csv(f"my-reviews-{timezone.now():%Y%m%d}.csv", headers, rows)
