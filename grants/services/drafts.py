"""Save a draft application: its texts and numbers, budget lines and partner organisations (co-applicants).

:func:`save_draft` is the only way an applicant changes an application. It accepts only the whitelisted fields
(:data:`TEXT_FIELDS`, :data:`NUMBER_FIELDS`), so extra POST keys such as ``status``, ``organisation`` or
``reference`` are ignored.
Text is kept as typed minus NUL and control characters (:func:`portal.sanitize.clean_plain_text`); templates
escape it.
Invalid values raise :class:`~grants.services.submission.ApplicationError` and write nothing; the view keeps the
user's input in its form, so nothing entered is lost.

Activity log: one ``saved`` entry per user and application per :data:`SAVE_LOG_INTERVAL` (repeated saves in a
working session would otherwise drown the status changes staff look for).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Organisation
from grants.models import ActivityLog, Application, ApplicationPartner, BudgetLine
from portal.models import Country
from portal.sanitize import clean_plain_text

from .common import lock_application
from .submission import ApplicationError, _now, _require_member, _utc

#: Plain-text fields of :class:`grants.models.Application` an applicant may set, with their maximum length.
TEXT_FIELDS: dict[str, int] = {
    "title": 255,
    "summary": 5_000,
    "problem": 20_000,
    "objectives": 20_000,
    "activities": 20_000,
    "expected_results": 20_000,
    "data_use": 20_000,
    "language": 10,
}
#: Number fields an applicant may set: duration in months (int) and requested amount in EUR (Decimal, 2 places).
NUMBER_FIELDS = ("duration_months", "requested_amount_eur")
#: Most budget lines and partners one application may have.
MAX_BUDGET_LINES = 200
MAX_PARTNERS = 30
#: Saves by one user within this interval share one ``saved`` activity entry.
SAVE_LOG_INTERVAL = timedelta(minutes=10)
#: Largest amount a money field holds (12 digits, 2 decimals).
MAX_EUR = Decimal("9999999999.99")


def _text(value) -> str:
    return clean_plain_text("" if value is None else str(value))


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name).capitalize()


def _too_long(label: str, limit: int) -> str:
    return _("%(field)s: at most %(limit)s characters.") % {"field": label, "limit": f"{limit:,}"}


def _amount(value, label: str, errors: list[str]) -> Decimal | None:
    """``value`` as EUR (Decimal, 2 places) or None when empty; an error message added when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", ""))
    except InvalidOperation:
        errors.append(_("%(field)s: enter a number.") % {"field": label})
        return None
    if not amount.is_finite():
        errors.append(_("%(field)s: enter a number.") % {"field": label})
        return None
    if amount < 0:
        errors.append(_("%(field)s: must not be negative.") % {"field": label})
        return None
    if amount > MAX_EUR:
        errors.append(_("%(field)s: the amount is too large.") % {"field": label})
        return None
    return amount.quantize(Decimal("0.01"))


def _whole_number(value, label: str, errors: list[str], *, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.append(_("%(field)s: enter a whole number.") % {"field": label})
        return None
    if not low <= number <= high:
        errors.append(
            _("%(field)s: enter a number from %(low)d to %(high)d.") % {"field": label, "low": low, "high": high}
        )
        return None
    return number


def _apply_fields(application: Application, fields: dict, errors: list[str]) -> list[str]:
    """Set the whitelisted fields present in ``fields``; return the names changed."""
    changed = []
    for name, limit in TEXT_FIELDS.items():
        if name not in fields:
            continue
        value = _text(fields[name])
        if len(value) > limit:
            errors.append(_too_long(_label(Application, name), limit))
            continue
        setattr(application, name, value)
        changed.append(name)
    if "duration_months" in fields:
        application.duration_months = _whole_number(
            fields["duration_months"], _label(Application, "duration_months"), errors, low=1, high=120
        )
        changed.append("duration_months")
    if "requested_amount_eur" in fields:
        application.requested_amount_eur = _amount(
            fields["requested_amount_eur"], _label(Application, "requested_amount_eur"), errors
        )
        changed.append("requested_amount_eur")
    return changed


def _budget_lines(application: Application, rows: list[dict], errors: list[str]) -> list[BudgetLine]:
    if len(rows) > MAX_BUDGET_LINES:
        errors.append(_("A budget has at most %(count)d lines.") % {"count": MAX_BUDGET_LINES})
        return []
    lines = []
    for number, row in enumerate(rows, start=1):
        line_errors: list[str] = []
        line = BudgetLine(
            application=application,
            category=_text(row.get("category")),
            description=_text(row.get("description")),
            unit=_text(row.get("unit")),
            quantity=_amount(row.get("quantity"), _label(BudgetLine, "quantity"), line_errors),
            unit_cost_eur=_amount(row.get("unit_cost_eur"), _label(BudgetLine, "unit_cost_eur"), line_errors),
            co_financing_eur=_amount(row.get("co_financing_eur"), _label(BudgetLine, "co_financing_eur"), line_errors)
            or Decimal("0.00"),
            sort_order=number,
        )
        if not line_errors:
            try:
                line.full_clean(exclude=["application", "total_eur"])
            except ValidationError as error:
                line_errors += [
                    f"{_label(BudgetLine, field)}: {message}" if field != "__all__" else message
                    for field, messages in error.message_dict.items()
                    for message in messages
                ]
        errors += [
            _("Budget line %(number)d: %(error)s") % {"number": number, "error": message} for message in line_errors
        ]
        lines.append(line)
    return lines


def _partner_organisation(application: Application, row: dict, user, errors: list[str], number: int):
    """The partner's :class:`Organisation`: given, found by (country, registration number), or created."""
    given = row.get("organisation")
    if given is not None:
        if not isinstance(given, Organisation) or given.pk is None:
            errors.append(_("Partner %(number)d: unknown organisation.") % {"number": number})
            return None
        return given
    country = row.get("country")
    if not isinstance(country, Country):
        errors.append(_("Partner %(number)d: choose the country.") % {"number": number})
        return None
    registration_number = _text(row.get("registration_number"))
    legal_name = _text(row.get("legal_name"))
    partner_errors: list[str] = []
    details = {
        "legal_name": legal_name,
        "local_name": _text(row.get("local_name")),
        "country": country,
        "registration_number": registration_number,
        "organisation_type": _text(row.get("organisation_type")) or "association",
        "year_registered": _whole_number(
            row.get("year_registered"),
            _label(Organisation, "year_registered"),
            partner_errors,
            low=1800,
            high=timezone.now().year,
        ),
        "annual_budget_eur": _amount(
            row.get("annual_budget_eur"), _label(Organisation, "annual_budget_eur"), partner_errors
        ),
        "contact_email": _text(row.get("contact_email")),
    }
    if registration_number:
        existing = Organisation.objects.filter(country=country, registration_number=registration_number).first()
        if existing is not None:
            return existing  # an existing profile is never changed by someone else's application
    else:
        # Without a number, the same partner saved again is recognised among this application's partners.
        existing = next(
            (
                p.organisation
                for p in application.partners.select_related("organisation")
                if p.organisation.country_id == country.pk
                and p.organisation.legal_name.casefold() == legal_name.casefold()
                and not p.organisation.registration_number
            ),
            None,
        )
        if existing is not None:
            return existing
    organisation = Organisation(**details, created_by=user)
    if not partner_errors:
        try:
            organisation.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            partner_errors += [
                f"{_label(Organisation, field)}: {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
    if partner_errors:
        errors += [_("Partner %(number)d: %(error)s") % {"number": number, "error": m} for m in partner_errors]
        return None
    if registration_number:
        # get_or_create settles a parallel creation of the same (country, number) through the unique constraint.
        organisation, _created = Organisation.objects.get_or_create(
            country=country,
            registration_number=registration_number,
            defaults={k: v for k, v in details.items() if k not in ("country", "registration_number")}
            | {"created_by": user},
        )
        return organisation
    organisation.save()
    return organisation


def _partners(application: Application, rows: list[dict], user, errors: list[str]) -> list[ApplicationPartner]:
    if len(rows) > MAX_PARTNERS:
        errors.append(_("An application has at most %(count)d partner organisations.") % {"count": MAX_PARTNERS})
        return []
    partners, seen = [], set()
    for number, row in enumerate(rows, start=1):
        organisation = _partner_organisation(application, row, user, errors, number)
        if organisation is None:
            continue
        if organisation.pk == application.organisation_id:
            errors.append(
                _("Partner %(number)d: the lead applicant cannot also be a partner organisation.") % {"number": number}
            )
            continue
        if organisation.pk in seen:
            errors.append(_("Partner %(number)d: %(name)s is listed twice.") % {"number": number, "name": organisation})
            continue
        seen.add(organisation.pk)
        email = _text(row.get("contact_email"))
        partner = ApplicationPartner(
            application=application,
            organisation=organisation,
            role=_text(row.get("role"))[:5000],
            contact_email=email,
            sort_order=number,
        )
        try:
            partner.clean_fields(exclude=["application", "organisation"])
        except ValidationError as error:
            errors += [
                _("Partner %(number)d: %(error)s") % {"number": number, "error": message}
                for messages in error.message_dict.values()
                for message in messages
            ]
            continue
        partners.append(partner)
    return partners


def _log_save(application: Application, user, now) -> None:
    recent = ActivityLog.objects.filter(
        application=application, actor=user, action="saved", created_at__gte=now - SAVE_LOG_INTERVAL
    ).exists()
    if not recent:
        ActivityLog.objects.create(
            application=application,
            actor=user,
            action="saved",
            from_status=application.status,
            to_status=application.status,
        )


def save_draft(
    application_id: int,
    *,
    user,
    fields: dict,
    budget_lines: list[dict] | None = None,
    partners: list[dict] | None = None,
) -> Application:
    """Save the draft ``application_id`` for ``user``; return the saved application.

    ``fields``: any of :data:`TEXT_FIELDS` (str) and :data:`NUMBER_FIELDS` (``duration_months`` int 1–120,
    ``requested_amount_eur`` EUR as Decimal/str, not negative); other keys are ignored; empty values clear a field
    (a draft may be incomplete, :func:`~grants.services.submission.check_submission` says what is missing).

    ``budget_lines`` (None: unchanged): the full new list, each ``{"category", "description", "unit",
    "quantity", "unit_cost_eur", "co_financing_eur"}`` (amounts EUR); it replaces the stored lines.

    ``partners`` (None: unchanged): the full new list, each either ``{"organisation": Organisation, "role",
    "contact_email"}`` or partner details ``{"legal_name", "local_name", "country": Country,
    "registration_number", "organisation_type", "year_registered", "annual_budget_eur", "contact_email",
    "role"}``. With a registration number the organisation is found by (country, number) or created (an existing
    profile is not changed); without, it is recognised among the application's partners by country and name, or
    created. The lead applicant is never its own partner; an organisation appears once.

    Raises :class:`~grants.services.submission.ApplicationPermissionError` for a non-member and
    :class:`~grants.services.submission.ApplicationError` when the application is not a draft, the call's deadline
    (of the application's rules, server clock) has passed, or a value is invalid (all messages at once; nothing
    is written). One transaction, with the application row locked.
    """
    now = _now(None)
    with transaction.atomic():
        application = lock_application(application_id)
        _require_member(user, application)
        if not application.is_editable:
            raise ApplicationError(_("This application was submitted; it can no longer be changed."), code="status")
        if now > _utc(application.rules_version.rules["closes_at"]):
            raise ApplicationError(_("The deadline has passed; the draft can no longer be changed."), code="deadline")
        errors: list[str] = []
        changed = _apply_fields(application, fields or {}, errors)
        lines = _budget_lines(application, budget_lines, errors) if budget_lines is not None else None
        new_partners = _partners(application, partners, user, errors) if partners is not None else None
        if errors:
            raise ApplicationError(errors, code="invalid")
        application.save(update_fields=[*changed, "updated_at"])
        if lines is not None:
            application.budget_lines.all().delete()
            for line in lines:
                line.save()
        if new_partners is not None:
            application.partners.all().delete()
            ApplicationPartner.objects.bulk_create(new_partners)
        _log_save(application, user, now)
    return application
