"""Views of the events app, one concern per module (``calendars``: .ics downloads, feeds, the feeds page)."""
