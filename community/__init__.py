"""Community of practice: organisations, the RCP and the five DAGs, memberships and workspaces."""
