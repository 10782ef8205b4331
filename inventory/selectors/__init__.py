"""Read-only queries of the inventory's analysis pages (HackSoft "selectors"): they take gated querysets or a user,
never filter by unit for permission, and answer with plain data for the views and templates."""
