"""Views of the events app: the event page's context and access (``pages``), its registration routes
(``registrations``) and the signed-in person's "My events" (``account``)."""
