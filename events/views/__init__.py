"""Views of the events app (one module per concern)."""
