"""The OpenAPI schema of every app generates without warnings (each warning is a field the docs get wrong)."""

import io

from django.core.management import call_command


def test_schema_generates_without_warnings(db, tmp_path):
    err = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), stderr=err)
    assert (tmp_path / "schema.yml").read_text().count("/api/v1/security/grading/calculate/") == 1
