"""Read-side queries of security and compliance: the risk heat map, the fusion ranking's inputs and the dashboard."""
