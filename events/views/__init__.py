"""Views of the events app, one concern per module."""
