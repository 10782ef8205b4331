"""Fuzz the API with schemathesis against a live server: no operation may answer 500, and every response must match
the schema (status code, content type, headers, body).

    .venv/bin/python scripts/api_fuzz.py [--max-examples 20] [--database-url URL] [--keep] [-- <schemathesis options>]

A throwaway data directory gets the county demo (``govcio demo --scale county --seed 1``), the schema is written
from the code (``manage.py spectacular --file``: the served one needs a signed-in user), and gunicorn serves it on
a free port. Schemathesis runs every operation as the demo CIO, then the users' operations as the system
administrator and the role assignments' as the security administrator (which the CIO may not change: three-
administrator separation), with bounded examples per operation and no stateful phase: about two minutes on two
cores. Exit status: 0 when no pass failed. Deliberate differences from the schema are listed in docs/api.md.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# (user, the operations they run: a path regex, None for all)
PASSES = [
    ("demo_cio", None),
    ("demo_sysadmin", r"^/api/v1/org/users/"),
    ("demo_secadmin", r"^/api/v1/security/assignments/"),
]
# The three administrators get an API token only once their second factor is confirmed: confirm one for the
# administrators above, as their first login would (a secret and its current code, through the service).
CONFIRM_SECOND_FACTOR = """
import pyotp
from accounts.models import User
from accounts.services import totp_enable, totp_new_secret
for user in User.objects.filter(username__in={names!r}, totp_confirmed=False):
    secret = totp_new_secret()
    totp_enable(user=user, secret=secret, code=pyotp.TOTP(secret).now())
"""
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, capture=False) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — our own server on 127.0.0.1
            return
        except urllib.error.HTTPError:
            return  # answering (401 without a token)
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not come up at {url}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=20, help="test cases per operation and phase")
    parser.add_argument("--seed", type=int, default=1)
    # One worker: hypothesis parses lambdas with `ast`, which CPython 3.11 does not do safely from two threads at
    # once ("AST constructor recursion depth mismatch", an engine error rather than a finding).
    parser.add_argument("--workers", default="1", help="concurrent schemathesis workers")
    parser.add_argument("--database-url", default="", help="an empty database to use (default: SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory, the server log and reports")
    parser.add_argument("extra", nargs="*", help="more schemathesis options (after --)")
    options = parser.parse_args(argv)

    data = Path(tempfile.mkdtemp(prefix="govcio-fuzz-"))
    env = {
        **os.environ,
        "GOVCIO_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "govcio.settings.default",
        "DATABASE_URL": options.database_url,  # by default SQLite in the data directory: where the probe found 500s
        "PYTHONUNBUFFERED": "1",
    }
    server = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "demo", "--scale", "county", "--seed", "1", capture=True)
        manage(env, "shell", "-c", CONFIRM_SECOND_FACTOR.format(names=[user for user, _ in PASSES]))
        tokens = {user: manage(env, "token", user, capture=True).strip().splitlines()[-1] for user, _ in PASSES}
        schema = data / "schema.yml"
        manage(env, "spectacular", "--file", str(schema))

        port = free_port()
        log = (data / "server.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "govcio" / "gunicorn_conf.py"), "govcio.wsgi"],
            env={**env, "HOST": "127.0.0.1", "PORT": str(port), "GOVCIO_WEB_WORKERS": "2"},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/api/v1/", time.monotonic() + 60)

        status = 0
        for user, paths in PASSES:
            command = [
                str(VENV_BIN / "schemathesis"),
                "run",
                str(schema),
                "--url",
                base,
                "--header",
                f"Authorization: Token {tokens[user]}",
                *(["--include-path-regex", paths] if paths else []),
                "--phases",
                "examples,coverage,fuzzing",  # not stateful: links between operations are not declared
                "--checks",
                ",".join(CHECKS),
                "--max-examples",
                str(options.max_examples),
                "--seed",
                str(options.seed),
                "--workers",
                options.workers,
                "--no-shrink",
                "--continue-on-failure",
                "--generation-database",
                "none",
                "--request-timeout",
                "30",
                "--report",
                "junit",
                "--report-dir",
                str(data / "report" / user),
                *options.extra,
            ]
            started = time.monotonic()
            print(f"\napi_fuzz: as {user}", flush=True)
            result = subprocess.run(command, env=env, cwd=data).returncode  # noqa: S603
            print(f"api_fuzz: {user}: schemathesis exited {result} after {time.monotonic() - started:.0f}s", flush=True)
            status = status or result
        if status:
            print(f"api_fuzz: server log {data / 'server.log'}; data kept in {data}", flush=True)
            options.keep = True
        return status
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not options.keep:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
