"""Services of the sub-granting app: every state change of an application goes through one of these modules.

- :mod:`grants.services.workflow`: ``transition()``, the one way a status changes (table in :mod:`grants.workflow`).
- :mod:`grants.services.errors`: ``ApplicationError``, ``ApplicationPermissionError``, ``TransitionNotAllowed``.
- :mod:`grants.services.submission`: start, submit (with reference number and receipt) and withdraw.
- :mod:`grants.services.drafts`: save a draft (fields, budget lines, co-applicants) without losing input.
- :mod:`grants.services.reviews`: assign reviewers (by hand or automatically) and their conflict-of-interest
  declarations.
- :mod:`grants.services.scoring`: reviewers' drafts and submitted reviews, weighted totals, the application's score
  and flags.
- :mod:`grants.services.attachments`: add and remove attachments (checked by content, size and total).
"""
