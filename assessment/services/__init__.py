"""Writes: one module per area (enterprises, assessments, review, ...). Services are atomic and audited."""
