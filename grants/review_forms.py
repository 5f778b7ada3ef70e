"""Forms of the reviewer's screens: the conflict-of-interest declaration and the score form.

The forms only read and check what was typed; :mod:`grants.services.reviews` and :mod:`grants.services.scoring`
decide and save. Scores are checked here too (0..``max_score``, at most two decimals) so that each problem is
shown next to its field, with the criterion's name in the error summary.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import Recommendation
from grants.services.reviews import MAX_STATEMENT_LENGTH
from grants.services.scoring import MAX_COMMENT_LENGTH, CriterionRule


class DeclarationForm(forms.Form):
    """ "No conflict of interest" or "I have a conflict of interest", with an optional statement."""

    NO_CONFLICT = "no"
    CONFLICT = "yes"

    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[
            (NO_CONFLICT, _("No: I have no conflict of interest with the applicant or its partners")),
            (CONFLICT, _("Yes: I have a conflict of interest")),
        ],
        coerce=lambda value: value == DeclarationForm.CONFLICT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have a conflict of interest.")},
    )
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        max_length=MAX_STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Explain a conflict (a relationship, a past or current role) or add a remark."),
    )


class ReviewForm(forms.Form):
    """The score form of one review: per criterion a score (0..max), "not applicable" where the call allows it,
    and a comment; then the recommendation and an overall comment.

    Field names: ``score_<criterion id>``, ``na_<criterion id>``, ``comment_<criterion id>``, ``recommendation``,
    ``overall_comment``. :attr:`rows` groups the bound fields per criterion for the template.
    """

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("Choose…")), *Recommendation.choices],
    )
    overall_comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional: strengths, weaknesses and what would make the project better."),
    )

    def __init__(self, *args, criteria: list[CriterionRule], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        ordered = {}
        for criterion in criteria:
            bounds = {"max": criterion.max_score}
            out_of_range = _("Give a score from 0 to %(max)d.") % bounds
            ordered[f"score_{criterion.id}"] = forms.DecimalField(
                label=_("Score (0 to %(max)d)") % bounds,
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal(criterion.max_score),
                max_digits=5,
                decimal_places=2,
                error_messages={
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                    "invalid": _("Enter a number, e.g. 3 or 3.5."),
                    "max_decimal_places": _("Use at most two decimal places."),
                    "max_digits": out_of_range,
                    "max_whole_digits": out_of_range,
                },
                widget=forms.NumberInput(attrs={"min": 0, "max": criterion.max_score, "step": "any"}),
            )
            if criterion.allow_not_applicable:
                ordered[f"na_{criterion.id}"] = forms.BooleanField(label=_("Not applicable"), required=False)
            ordered[f"comment_{criterion.id}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=MAX_COMMENT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        ordered.update(self.fields)
        self.fields = ordered

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            if data.get(f"na_{criterion.id}") and data.get(f"score_{criterion.id}") is not None:
                self.add_error(f"score_{criterion.id}", _("Either give a score or mark it not applicable, not both."))
        return data

    @property
    def rows(self) -> list[dict]:
        """``[{"criterion", "score", "na" (None when not allowed), "comment"}]`` bound fields, in grid order."""
        return [
            {
                "criterion": c,
                "score": self[f"score_{c.id}"],
                "na": self[f"na_{c.id}"] if f"na_{c.id}" in self.fields else None,
                "comment": self[f"comment_{c.id}"],
            }
            for c in self.criteria
        ]

    def valid_scores(self) -> dict[int, dict]:
        """The valid part of what was typed, as the ``scores`` of :func:`grants.services.scoring.save_review`
        (call after :meth:`is_valid`): ``{criterion_id: {"score", "not_applicable", "comment"}}``.

        Per criterion, the mark (score and "not applicable") is left out when either field has an error (the mark
        saved before stays) and the comment is left out when it has one; so the comment of a row whose score is
        out of range is still saved. A criterion with nothing valid is left out."""
        data = getattr(self, "cleaned_data", {})
        result = {}
        for criterion in self.criteria:
            entry = {}
            mark_names = [f"score_{criterion.id}"]
            if criterion.allow_not_applicable:
                mark_names.append(f"na_{criterion.id}")
            if not any(name in self.errors or name not in data for name in mark_names):
                entry["score"] = data[f"score_{criterion.id}"]
                entry["not_applicable"] = bool(data.get(f"na_{criterion.id}", False))
            comment = f"comment_{criterion.id}"
            if comment not in self.errors and comment in data:
                entry["comment"] = data[comment]
            if entry:
                result[criterion.id] = entry
        return result

    def valid_field(self, name: str) -> str | None:
        """The cleaned value of ``recommendation`` or ``overall_comment``, or None when it is invalid."""
        if name in self.errors:
            return None
        return getattr(self, "cleaned_data", {}).get(name)


def review_initial(review, criteria: list[CriterionRule]) -> dict:
    """Initial data of :class:`ReviewForm` from a saved ``review`` (or ``{}`` when there is none yet)."""
    if review is None:
        return {}
    initial = {"recommendation": review.recommendation, "overall_comment": review.overall_comment}
    stored = {s.criterion_id: s for s in review.scores.all()}
    for criterion in criteria:
        row = stored.get(criterion.id)
        if row is None:
            continue
        initial[f"score_{criterion.id}"] = row.score
        initial[f"na_{criterion.id}"] = row.not_applicable
        initial[f"comment_{criterion.id}"] = row.comment
    return initial
