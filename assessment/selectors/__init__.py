"""Reads for pages: one module per area; selectors own select_related/prefetch_related."""
