"""Forms of security and compliance, one module per concern."""
