"""Demo content of the portal as plain Python data, and the builders that write it (see ``manage.py load_demo``)."""
