"""Site-wide CMS: page types, shared StreamField blocks, site settings, main menu, campaign pledges."""
