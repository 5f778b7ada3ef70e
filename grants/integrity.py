"""Integrity checks on our own grant-making (issue 4, item 7): flags staff see before they decide.

:func:`flags_for_call` checks every application of a call that was submitted (any status but draft) and returns
``{application id: [IntegrityFlag, ...]}`` (applications without flags are left out); :func:`flags_for_application`
returns one application's list. The flags (``IntegrityFlag.code``):

``reviewer_member``
    A reviewer assigned to the application (assignment awaiting the declaration or accepted) is a member of the
    lead applicant or of a partner organisation.
``reviewer_domain``
    Such a reviewer's email domain is the domain of the organisation's website or contact email, of the partner's
    contact email on the application, or of a member's email. Public mail domains (:data:`PUBLIC_MAIL_DOMAINS`)
    are ignored; ``www.`` is dropped from websites; sub-domains are not folded (``mail.cso.org`` ≠ ``cso.org``).
``reviewer_declared_relationship``
    Such a reviewer declared no conflict of interest but wrote a statement (e.g. "I advised them in 2023"): staff
    should read it.
``duplicate_organisation``
    Another application to the same call comes from a different organisation row with the same country and
    registration number (compared without case, spaces or punctuation) or a near-identical name: legal or local
    names equal after folding case, diacritics and Cyrillic to Latin (:func:`portal.slugs.transliterate_slug`:
    "Centar za građanske inicijative" = "Centar za gradjanske inicijative") or after mapping confusable letters to
    their Latin look-alike (UTS #39 via :func:`portal.accounts.canonical.canonical_email`, which folds any text:
    a Cyrillic "а" inside a Latin name).
``near_duplicate_proposal``
    The proposal text (summary, problem, objectives, activities, expected results) is a near duplicate of another
    application's in the same call: Jaccard similarity of word shingles at least 0.8 (:mod:`grants.similarity`,
    linear in the number of applications). Other calls are not compared.
``above_reference_cost``
    A budget line's unit cost is above the call's reference unit cost (:class:`~grants.models.ReferenceUnitCost`)
    for the same unit (case-insensitive) and, when the reference names one, the same category; a reference for
    the line's category wins over one for every category.

Related-application flags name at most :data:`MAX_RELATED` other applications each. Messages are translated in
the active language (staff's) and meant for staff only: they name reviewers.

Queries: :func:`flags_for_call` runs seven queries whatever the number of applications (applications, partners,
assignments, memberships, declarations, reference costs, budget lines); :func:`flags_for_application` the same
seven, narrowed to the application where the check allows it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.translation import gettext as _

from community.models import OrganisationMembership
from portal.accounts.canonical import canonical_email
from portal.slugs import transliterate_slug

from .formatting import format_eur
from .models import (
    CURRENT_ASSIGNMENT_STATUSES,
    Application,
    ApplicationPartner,
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    ConflictOfInterestDeclaration,
    ReferenceUnitCost,
    ReviewAssignment,
)
from .similarity import near_duplicate_pairs, near_duplicates_of

#: Proposal fields compared by the near-duplicate check, joined with blank lines.
PROPOSAL_TEXT_FIELDS = ("summary", "problem", "objectives", "activities", "expected_results")

#: Mail domains anyone can sign up to: sharing one says nothing about a link between a reviewer and an applicant.
#: Kept short on purpose (the big international providers and the ones common in the programme countries).
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.net",
        "gmx.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "t-home.mk",
        "hotmail.rs",
    }
)

#: At most this many other applications are named per application and check.
MAX_RELATED = 3

REVIEWER_MEMBER = "reviewer_member"
REVIEWER_DOMAIN = "reviewer_domain"
REVIEWER_DECLARED_RELATIONSHIP = "reviewer_declared_relationship"
DUPLICATE_ORGANISATION = "duplicate_organisation"
NEAR_DUPLICATE_PROPOSAL = "near_duplicate_proposal"
ABOVE_REFERENCE_COST = "above_reference_cost"

#: Every flag code, in the order flags are listed.
FLAG_CODES = (
    REVIEWER_MEMBER,
    REVIEWER_DOMAIN,
    REVIEWER_DECLARED_RELATIONSHIP,
    DUPLICATE_ORGANISATION,
    NEAR_DUPLICATE_PROPOSAL,
    ABOVE_REFERENCE_COST,
)


@dataclass(frozen=True)
class IntegrityFlag:
    """One integrity concern about an application.

    ``code``: one of :data:`FLAG_CODES`; ``message``: what staff read (translated, names people and amounts);
    ``related_application_id``: the other application involved (duplicate organisation or proposal), else None.
    """

    code: str
    message: str
    related_application_id: int | None = None


def flag_label(code: str) -> str:
    """A short translated name of the flag ``code`` (for column headers and summaries); the code if unknown."""
    labels = {
        REVIEWER_MEMBER: _("Reviewer belongs to the applicant"),
        REVIEWER_DOMAIN: _("Reviewer shares the applicant's email domain"),
        REVIEWER_DECLARED_RELATIONSHIP: _("Reviewer declared a relationship"),
        DUPLICATE_ORGANISATION: _("Organisation applying twice"),
        NEAR_DUPLICATE_PROPOSAL: _("Near-duplicate proposal"),
        ABOVE_REFERENCE_COST: _("Above the reference unit cost"),
    }
    return str(labels.get(code, code))


# --- normalising -------------------------------------------------------------------------------------------------


def email_domain(address: str) -> str:
    """The folded domain of an email address (``"Ana@CSO.org"`` → ``"cso.org"``), ``""`` without one."""
    key = canonical_email(address or "")
    return key.rpartition("@")[2] if "@" in key else ""


def website_domain(url: str) -> str:
    """The folded host of a website URL without ``www.`` (``"https://www.CSO.org/en"`` → ``"cso.org"``)."""
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    host = email_domain(f"x@{host}")
    return host.removeprefix("www.")


def _linkable(domain: str) -> bool:
    return bool(domain) and "." in domain and domain not in PUBLIC_MAIL_DOMAINS


def registration_key(country_id, number: str) -> tuple | None:
    """``(country id, registration number folded)``: case, spaces and punctuation ignored; None when empty."""
    folded = "".join(ch for ch in canonical_email(number or "") if ch.isalnum())
    return (country_id, folded) if folded else None


def name_keys(*names: str) -> set[str]:
    """Comparison keys of an organisation's names: transliterated ASCII slug and confusable skeleton of each."""
    keys = set()
    for name in names:
        if not name or not name.strip():
            continue
        keys.add("t:" + transliterate_slug(name))
        keys.add("s:" + transliterate_slug(canonical_email(name)))
    keys.discard("t:")
    keys.discard("s:")
    return keys


# --- the checks ----------------------------------------------------------------------------------------------------


def flags_for_call(call) -> dict[int, list[IntegrityFlag]]:
    """All integrity flags of ``call``'s submitted applications: ``{application id: [IntegrityFlag, ...]}``.

    Applications without a flag are not keys. Seven queries whatever the number of applications. Flags of one
    application come in :data:`FLAG_CODES` order, then by the related application or line.
    """
    return _Checks(call.pk).run()


def flags_for_application(application) -> list[IntegrityFlag]:
    """The integrity flags of one application (``[]`` for a draft), compared with the rest of its call."""
    if application.status == ApplicationStatus.DRAFT:
        return []
    return _Checks(application.call_id, focus=application.pk).run().get(application.pk, [])


class _Checks:
    """One run of the checks over a call, optionally narrowed to the ``focus`` application's flags."""

    def __init__(self, call_id: int, focus: int | None = None):
        self.call_id = call_id
        self.focus = focus
        self.flags: dict[int, list[IntegrityFlag]] = defaultdict(list)

    def _submitted(self):
        return Application.objects.filter(call_id=self.call_id).exclude(status=ApplicationStatus.DRAFT)

    def _scope(self):
        """Applications whose own data (reviewers, budget) is checked: the focus one, or all submitted."""
        submitted = self._submitted()
        return submitted.filter(pk=self.focus) if self.focus else submitted

    def run(self) -> dict[int, list[IntegrityFlag]]:
        applications = list(
            self._submitted()
            .order_by("pk")
            .values(
                "pk",
                "reference",
                "organisation_id",
                "organisation__legal_name",
                "organisation__local_name",
                "organisation__country_id",
                "organisation__registration_number",
                "organisation__website",
                "organisation__contact_email",
                *PROPOSAL_TEXT_FIELDS,
            )
        )
        if self.focus and not any(row["pk"] == self.focus for row in applications):
            return {}
        self.references = {row["pk"]: row["reference"] or f"#{row['pk']}" for row in applications}
        self._reviewers(applications)
        self._duplicate_organisations(applications)
        self._near_duplicates(applications)
        self._reference_costs()
        order = {code: index for index, code in enumerate(FLAG_CODES)}
        return {
            pk: sorted(flags, key=lambda f: (order[f.code], f.related_application_id or 0))
            for pk, flags in self.flags.items()
            if flags and (not self.focus or pk == self.focus)
        }

    def _add(self, application_id, code, message, related=None):
        self.flags[application_id].append(IntegrityFlag(code=code, message=message, related_application_id=related))

    # reviewers ---------------------------------------------------------------------------------------------------
    def _reviewers(self, applications):
        scope = self._scope()
        assignments = list(
            ReviewAssignment.objects.filter(application__in=scope, status__in=CURRENT_ASSIGNMENT_STATUSES)
            .order_by("application_id", "pk")
            .values("application_id", "reviewer_id", "reviewer__email", "reviewer__first_name", "reviewer__last_name")
        )
        if not assignments:
            return
        focus_rows = [row for row in applications if not self.focus or row["pk"] == self.focus]
        # Organisations of each application (lead first, then partners) and their own domains.
        organisations: dict[int, dict[int, str]] = {}  # application id -> {organisation id: name}
        domains: dict[int, set[str]] = defaultdict(set)  # organisation id -> domains
        partner_domains: dict[int, set[str]] = defaultdict(set)  # application id -> partner contact domains
        for row in focus_rows:
            organisations[row["pk"]] = {row["organisation_id"]: row["organisation__legal_name"]}
            domains[row["organisation_id"]] |= {
                website_domain(row["organisation__website"]),
                email_domain(row["organisation__contact_email"]),
            }
        partners = ApplicationPartner.objects.filter(application__in=scope).values(
            "application_id",
            "organisation_id",
            "organisation__legal_name",
            "organisation__website",
            "organisation__contact_email",
            "contact_email",
        )
        for row in partners:
            organisations.setdefault(row["application_id"], {})[row["organisation_id"]] = row[
                "organisation__legal_name"
            ]
            domains[row["organisation_id"]] |= {
                website_domain(row["organisation__website"]),
                email_domain(row["organisation__contact_email"]),
            }
            partner_domains[row["application_id"]].add(email_domain(row["contact_email"]))
        members: dict[int, set[int]] = defaultdict(set)  # organisation id -> user ids
        memberships = OrganisationMembership.objects.filter(
            Q(organisation_id__in=scope.values("organisation_id"))
            | Q(organisation_id__in=ApplicationPartner.objects.filter(application__in=scope).values("organisation_id"))
        ).values("organisation_id", "user_id", "user__email")
        for row in memberships:
            members[row["organisation_id"]].add(row["user_id"])
            domains[row["organisation_id"]].add(email_domain(row["user__email"]))
        statements: dict[tuple[int, int], list[str]] = defaultdict(list)
        declarations = (
            ConflictOfInterestDeclaration.objects.filter(application__in=scope, has_conflict=False)
            .exclude(statement="")
            .order_by("declared_at", "pk")
            .values("application_id", "reviewer_id", "statement")
        )
        for row in declarations:
            if row["statement"].strip():
                statements[(row["application_id"], row["reviewer_id"])].append(row["statement"].strip())

        for row in assignments:
            application_id, reviewer_id = row["application_id"], row["reviewer_id"]
            name = " ".join(filter(None, [row["reviewer__first_name"], row["reviewer__last_name"]]))
            reviewer = f"{name} <{row['reviewer__email']}>" if name else row["reviewer__email"]
            orgs = organisations.get(application_id, {})
            member_of = [org_name for org_id, org_name in orgs.items() if reviewer_id in members.get(org_id, ())]
            for org_name in member_of:
                self._add(
                    application_id,
                    REVIEWER_MEMBER,
                    _("Reviewer %(reviewer)s is a member of %(organisation)s, an applicant of this application.")
                    % {"reviewer": reviewer, "organisation": org_name},
                )
            domain = email_domain(row["reviewer__email"])
            if not member_of and _linkable(domain):
                linked = [org_name for org_id, org_name in orgs.items() if domain in domains.get(org_id, ())]
                if linked or domain in partner_domains.get(application_id, ()):
                    self._add(
                        application_id,
                        REVIEWER_DOMAIN,
                        _(
                            "Reviewer %(reviewer)s has an email address at %(domain)s, a domain of %(organisations)s "
                            "(applicant or partner)."
                        )
                        % {
                            "reviewer": reviewer,
                            "domain": domain,
                            "organisations": ", ".join(linked) or _("a partner's contact"),
                        },
                    )
            for statement in statements.get((application_id, reviewer_id), ()):
                self._add(
                    application_id,
                    REVIEWER_DECLARED_RELATIONSHIP,
                    _("Reviewer %(reviewer)s declared no conflict of interest but stated: “%(statement)s”")
                    % {"reviewer": reviewer, "statement": statement},
                )

    # organisations applying twice ------------------------------------------------------------------------------
    def _duplicate_organisations(self, applications):
        groups: dict[object, list[dict]] = defaultdict(list)
        for row in applications:
            reg = registration_key(row["organisation__country_id"], row["organisation__registration_number"])
            keys = {("reg", reg)} if reg else set()
            keys |= {
                ("name", key) for key in name_keys(row["organisation__legal_name"], row["organisation__local_name"])
            }
            for key in keys:
                groups[key].append(row)
        related: dict[int, dict[int, str]] = defaultdict(dict)  # application id -> {other application id: reason}
        for (kind, _key), rows in groups.items():
            if len({row["organisation_id"] for row in rows}) < 2:
                continue
            for row in rows:
                if self.focus and row["pk"] != self.focus:
                    continue
                others = [other for other in rows if other["organisation_id"] != row["organisation_id"]]
                for other in others:
                    reason = "registration" if kind == "reg" else "name"
                    if related[row["pk"]].get(other["pk"]) != "registration":
                        related[row["pk"]][other["pk"]] = reason
        by_pk = {row["pk"]: row for row in applications}
        for application_id, others in related.items():
            mine = by_pk[application_id]
            for other_id in sorted(others)[:MAX_RELATED]:
                other = by_pk[other_id]
                if others[other_id] == "registration":
                    message = _(
                        "%(organisation)s and %(other)s (application %(reference)s) are different accounts with the "
                        "same registration number %(number)s."
                    )
                else:
                    message = _(
                        "%(organisation)s and %(other)s (application %(reference)s) are different accounts with "
                        "near-identical names."
                    )
                self._add(
                    application_id,
                    DUPLICATE_ORGANISATION,
                    message
                    % {
                        "organisation": mine["organisation__legal_name"],
                        "other": other["organisation__legal_name"],
                        "reference": self.references[other_id],
                        "number": other["organisation__registration_number"],
                    },
                    related=other_id,
                )

    # near-duplicate proposals ------------------------------------------------------------------------------------
    def _near_duplicates(self, applications):
        def text(row):
            return "\n\n".join(row[name] or "" for name in PROPOSAL_TEXT_FIELDS)

        related: dict[int, list[tuple[int, float]]] = defaultdict(list)
        if self.focus:
            target = next(row for row in applications if row["pk"] == self.focus)
            others = ((row["pk"], text(row)) for row in applications if row["pk"] != self.focus)
            related[self.focus] = near_duplicates_of((self.focus, text(target)), others)
        else:
            for first, second, similarity in near_duplicate_pairs((row["pk"], text(row)) for row in applications):
                related[first].append((second, similarity))
                related[second].append((first, similarity))
        for application_id, others in related.items():
            closest = sorted(others, key=lambda item: (-item[1], item[0]))[:MAX_RELATED]
            for other_id, similarity in sorted(closest):
                self._add(
                    application_id,
                    NEAR_DUPLICATE_PROPOSAL,
                    _("The proposal text is %(percent)d%% the same as application %(reference)s.")
                    % {"percent": int(similarity * 100), "reference": self.references[other_id]},
                    related=other_id,
                )

    # budget lines above the reference unit costs -----------------------------------------------------------------
    def _reference_costs(self):
        references = list(ReferenceUnitCost.objects.filter(call_id=self.call_id).order_by("sort_order", "pk"))
        if not references:
            return
        by_unit: dict[str, dict[str, ReferenceUnitCost]] = defaultdict(dict)
        for ref in references:
            by_unit[ref.unit.strip().casefold()].setdefault(ref.category, ref)
        lowest = min(ref.max_unit_cost_eur for ref in references)
        lines = (
            BudgetLine.objects.filter(application__in=self._scope(), unit_cost_eur__gt=lowest)
            .order_by("application_id", "sort_order", "pk")
            .values("application_id", "category", "description", "unit", "unit_cost_eur")
        )
        categories = dict(BudgetCategory.choices)
        for line in lines:
            candidates = by_unit.get(line["unit"].strip().casefold(), {})
            ref = candidates.get(line["category"]) or candidates.get("")
            if ref is None or line["unit_cost_eur"] <= ref.max_unit_cost_eur:
                continue
            self._add(
                line["application_id"],
                ABOVE_REFERENCE_COST,
                _(
                    "Budget line “%(line)s” (%(category)s, per %(unit)s): %(cost)s per unit, above the call's "
                    "reference unit cost of %(reference)s."
                )
                % {
                    "line": line["description"],
                    "category": categories.get(line["category"], line["category"]),
                    "unit": line["unit"],
                    "cost": format_eur(line["unit_cost_eur"]),
                    "reference": format_eur(ref.max_unit_cost_eur),
                },
            )


__all__ = [
    "FLAG_CODES",
    "IntegrityFlag",
    "PUBLIC_MAIL_DOMAINS",
    "flag_label",
    "flags_for_application",
    "flags_for_call",
]
