"""What one app adds to another app's pages without importing its views: tabs on a record's page (security's tab on
an information system's page) and counts on the unit page (the inventory's records under a unit). Apps add theirs in
``AppConfig.ready``."""

# Per model label ("inventory.system"): tab(user, obj) -> {"id", "label", "badge", "template", "context"} or None.
# The tab's context joins the page's, so its template reads its own names.
TABS: dict[str, list] = {}
# panel(request, unit) -> {"label", "count", "url"} or None.
UNIT_PANELS: list = []


def add_tab(model_label: str, make) -> None:
    makers = TABS.setdefault(model_label, [])
    if make not in makers:
        makers.append(make)


def tabs(user, obj) -> list[dict]:
    """The tabs other apps add to ``obj``'s page, for ``user`` (a maker answers None to add nothing)."""
    makers = TABS.get(obj._meta.label_lower, [])
    return [tab for tab in (make(user, obj) for make in makers) if tab]


def add_unit_panel(make) -> None:
    if make not in UNIT_PANELS:
        UNIT_PANELS.append(make)


def unit_panels(request, unit) -> list[dict]:
    return [panel for panel in (make(request, unit) for make in UNIT_PANELS) if panel]
