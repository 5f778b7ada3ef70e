"""Page models (see portal.cms)."""
