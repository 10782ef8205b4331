"""Import schemas of security and compliance, one module per concern."""
