"""Role names and descriptions live in core/data/roles.yaml (English); these markers put them in the
translation catalogue so ``Role.__str__`` and the roles page can show them in the user's language."""

from django.utils.translation import gettext_noop

ROLE_TEXTS = [
    gettext_noop("Chief information officer"),
    gettext_noop("Everything in their government's subtree; approves, rates, plans."),
    gettext_noop("Department liaison"),
    gettext_noop("Their own department's systems, data, requests and tickets."),
    gettext_noop("Leader"),
    gettext_noop("Read-only dashboards and reports for their subtree."),
    gettext_noop("Expert reviewer"),
    gettext_noop("The reviews they are invited to."),
    gettext_noop("Staff"),
    gettext_noop("Their own training, tickets and knowledge library."),
    gettext_noop("System administrator"),
    gettext_noop("Users, org tree, settings. Cannot read the audit log or change security policy."),
    gettext_noop("Security administrator"),
    gettext_noop("Roles, permissions, security policy. Cannot manage users' data or the audit log."),
    gettext_noop("Audit administrator"),
    gettext_noop("Reads and verifies the audit log. Changes nothing else."),
]
