"""Views of the sub-granting app, one module per concern (calls, applications, files, dashboard)."""
