"""Reports keep no tables of their own: they read assessment data."""
