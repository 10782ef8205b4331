"""A process of its own for the cross-process freshness test (``test_freshness_processes``), as a second web worker
or a command would be: ``python -m security.tests.figures_process setup|write|serve``, with DATABASE_URL and
GOVCIO_DATA_DIR naming a database and data directory of its own.

- ``setup``: migrate, a tree, a CIO and one system;
- ``write``: a system added through the API and a risk recorded on the page (the services, audited);
- ``serve``: answer each line read with the figures a look shows, as JSON (a long-lived process, like a worker)."""

import json
import os
import sys


def cio():
    from accounts.models import User

    return User.objects.get(username="cio_processes")


def setup() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core import testing
    from inventory.tests.factories import new_system

    tree = testing.build_tree()
    testing.make_user("cio_processes", "cio", tree.county_a)
    new_system(tree.dept_a)


def write() -> None:
    from django.test import Client
    from django.urls import reverse
    from rest_framework.test import APIClient

    from core.models import Unit

    unit = Unit.objects.get(code="990001-CZ")
    api = APIClient()
    api.force_authenticate(cio())
    data = {"name": "甲县另一进程的系统", "code": "XT-PROC-1", "owner_unit": unit.pk}
    assert api.post(reverse("api:system-list"), data, format="json").status_code == 201
    client = Client()
    client.force_login(cio())
    risk = {"title": "另一进程记录的风险", "unit": unit.pk, "likelihood": 4, "impact": 5}
    risk.update(treatment="reduce", status="open")
    assert client.post(reverse("security:risk_add"), risk).status_code == 302


def look(client) -> dict:
    from django.urls import reverse

    overview = client.get(reverse("inventory:overview")).context["data"]
    dashboard = client.get(reverse("security:dashboard")).context["data"]
    fusion = client.get(reverse("security:fusion")).context
    return {
        "systems": overview.systems,
        "risks": dashboard.risks["open"],
        "ranked": fusion["total"],
        "computed_at": str(fusion["ranking_state"].computed_at),
    }


def serve() -> None:
    from django.test import Client

    client = Client()
    client.force_login(cio())
    for _line in sys.stdin:
        print(json.dumps(look(client)), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcio.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's responses carry their context, as in the test process
    {"setup": setup, "write": write, "serve": serve}[sys.argv[1]]()
