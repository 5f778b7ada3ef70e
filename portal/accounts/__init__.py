"""Accounts: email canonicalisation, allauth adapters and forms, the staff two-factor rule."""
