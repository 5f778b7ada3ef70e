"""Views of the events app, one concern per module (``calendars``: .ics downloads, feeds, the feeds page;
``pages``: the event page's context and access; ``registrations``: its register and cancel routes; ``account``:
the signed-in person's "My events")."""
