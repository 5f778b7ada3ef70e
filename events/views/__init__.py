"""Views of the events app, one module per concern (``calendars``: .ics downloads, feeds, the feeds page)."""
