"""Tables of security's list pages (the export of a list uses the same columns), one module per concern."""
