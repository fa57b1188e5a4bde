"""Forms, one module per area (enterprises, ...)."""
