"""Scenarios on the foundation: lists and detail pages, search, home, export, import, audit verify, load."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.urls import reverse

from bench.harness import result, timed, timed_after

LIST_MS, DETAIL_MS, SEARCH_MS, OVERVIEW_MS, COLD_MS = 50, 50, 150, 300, 1000


def _get(client, url, expect=200):
    response = client.get(url)
    if response.status_code != expect:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response


def change_through_the_api(client) -> None:
    """A write as a user makes it: PATCH one system's purpose through the API (If-Match with its ETag), which the
    services audit — marking its unit for the rollups, moving the cache generation, asking for a new ranking."""
    from inventory.models import System

    system = System.objects.filter(status="running").exclude(purpose="").order_by("pk").first()
    url = reverse("api:system-detail", args=[system.pk])
    etag = client.get(url)["ETag"]
    purpose = system.purpose[:-1] if system.purpose.endswith("。") else system.purpose + "。"
    response = client.patch(url, {"purpose": purpose}, content_type="application/json", HTTP_IF_MATCH=etag)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")


COLD_RUNS = 10


def cold(ctx, client, url) -> list[float]:
    """The first look right after a change made through the API, ``COLD_RUNS`` times (the look timed, not the
    change)."""
    return timed_after(lambda: change_through_the_api(client), lambda: _get(client, url), 1 if ctx.smoke else COLD_RUNS)


def unit_list(ctx):
    from core.models import Unit

    client = ctx.client()
    url = reverse("core:unit_list")
    total = Unit.objects.count()
    deep = max(1, min(200, (total + 49) // 50))
    fields = ["id", "name", "code", "kind", "parent__name", "line_parent__name", "credit_code"]

    def base(page):
        return lambda: list(Unit.objects.order_by("path").values(*fields)[(page - 1) * 50 : page * 50])

    out = [
        result(
            "unit list page 1",
            timed(lambda: _get(client, url), ctx.iterations),
            timed(base(1), ctx.iterations),
            LIST_MS,
        ),
        result(
            f"unit list, deep page ({deep})",
            timed(lambda: _get(client, f"{url}?page={deep}"), ctx.iterations),
            timed(base(deep), ctx.iterations),
            LIST_MS,
        ),
    ]
    api = reverse("api:unit-list")
    first = timed(lambda: _get(client, api), ctx.iterations)
    cursor_url, pages = api, 1
    while pages < deep:
        nxt = client.get(cursor_url).json().get("next")
        if not nxt:
            break
        cursor_url, pages = nxt, pages + 1
    out.append(result("unit API list first page", first, timed(base(1), ctx.iterations), LIST_MS))
    out.append(
        result(
            f"unit API list, deep cursor page ({pages})",
            timed(lambda: _get(client, cursor_url), ctx.iterations),
            timed(base(pages), ctx.iterations),
            LIST_MS,
        )
    )
    return out


def unit_detail(ctx):
    from core.models import Unit

    client = ctx.client()
    root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    dept = Unit.objects.filter(kind="department").order_by("path").first()
    out = []
    for label, unit in (("root", root), ("department", dept)):
        out.append(
            result(
                f"unit detail ({label})",
                timed(lambda u=unit: _get(client, u.get_absolute_url()), ctx.iterations),
                timed(lambda u=unit: Unit.objects.filter(pk=u.pk).values().get(), ctx.iterations),
                DETAIL_MS,
            )
        )
        out.append(
            result(
                f"unit API detail ({label})",
                timed(lambda u=unit: _get(client, reverse("api:unit-detail", args=[u.pk])), ctx.iterations),
                timed(lambda u=unit: Unit.objects.filter(pk=u.pk).values().get(), ctx.iterations),
                DETAIL_MS,
            )
        )
    return out


def search(ctx):
    from core.models import SearchEntry

    client = ctx.client()
    url = reverse("core:search")
    base = timed(lambda: list(SearchEntry.objects.values("title", "url")[:50]), ctx.iterations)
    out = []
    queries = (
        ("Chinese words", "人力资源 社会保障"),
        ("traditional input", "財政局"),
        ("code", "RSJ"),
        ("part of a word", "源和社会保"),
        ("abbreviation", "人社局"),
    )
    for label, q in queries:
        out.append(
            result(
                f"search ({label})", timed(lambda q=q: _get(client, f"{url}?q={q}"), ctx.iterations), base, SEARCH_MS
            )
        )
    return out


def home(ctx):
    from core.models import Unit

    client = ctx.client()
    return [
        result(
            "home page (CIO, whole subtree)",
            timed(lambda: _get(client, reverse("core:home")), ctx.iterations),
            timed(lambda: list(Unit.objects.values("kind")), ctx.iterations),
            OVERVIEW_MS,
        )
    ]


def export(ctx):
    from accounts.models import User

    client = ctx.client("demo_sysadmin")
    rows = User.objects.count()
    url = reverse("accounts:user_list")
    runs = 1 if ctx.smoke else 3
    out = []
    for fmt in ("csv", "xlsx"):
        samples = timed(lambda fmt=fmt: _get(client, f"{url}?export={fmt}"), runs, warmup=0)
        base = timed(
            lambda: sum(
                1
                for _ in User.objects.values_list("username", "full_name", "unit__name", "title").iterator(
                    chunk_size=2000
                )
            ),
            runs,
            0,
        )
        best = min(samples)
        out.append(
            result(
                f"export users .{fmt} ({rows} rows)",
                samples,
                base,
                rows_per_s=round(rows / best),
                target_rows_per_s=30_000,
            )
        )
    return out


def audit_verify(ctx):
    from core import audit
    from core.models import AuditRecord

    wanted = 20_000 if ctx.smoke else (200_000 if ctx.data_scale == "county" else 1_000_000)
    have = AuditRecord.objects.count()
    batch = 10_000
    while have < wanted:
        n = min(batch, wanted - have)
        audit.append_many(
            [
                audit.Entry(
                    action="event", event="bench.filler", object_repr=f"记录{have + i}", changes={"i": have + i}
                )
                for i in range(n)
            ]
        )
        have += n
    samples = timed(audit.verify, 1 if ctx.smoke else 3, warmup=0)
    base = timed(
        lambda: sum(
            1 for _ in AuditRecord.objects.order_by("seq").values_list(*audit.CHAIN_FIELDS).iterator(chunk_size=10_000)
        ),
        1,
        0,
    )
    return [
        result(
            f"audit verify ({have} records)",
            samples,
            base,
            records_per_s=round(have / min(samples)),
            target_records_per_s=200_000,
        )
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie() -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(username="demo_cio")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def load(ctx):
    """Clients against gunicorn on 127.0.0.1, bounded in count and time: throughput and errors."""
    import http.client

    from core.models import Unit

    clients, seconds, cap = (5, 3, 2_000) if ctx.smoke else (50, 60, 200_000)
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    conf = Path(__file__).resolve().parents[2] / "govcio" / "gunicorn_conf.py"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(conf), "--access-logfile", "/dev/null", "govcio.wsgi:application"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cookie = f"sessionid={_session_cookie()}"
        dept = Unit.objects.filter(kind="department").order_by("path").values_list("pk", flat=True).first()
        urls = ["/", "/org/units/", f"/org/units/{dept}/", "/search/?q=%E8%B4%A2%E6%94%BF", "/api/v1/org/units/"]
        latencies: list[float] = []
        errors = [0]
        done = [0]
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def worker(index):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            i = index
            while time.monotonic() < deadline:
                with lock:
                    if done[0] >= cap:
                        return
                    done[0] += 1
                url = urls[i % len(urls)]
                i += 1
                start = time.perf_counter()
                try:
                    conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors[0] += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        rss = max((_rss_mb(int(pid)) for pid in children), default=0.0)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return [
        result(
            f"load: {clients} clients × {seconds}s",
            latencies,
            None,
            None,
            requests=len(latencies),
            errors=errors[0],
            rps=round(len(latencies) / wall, 1),
            worker_rss_mb=rss,
            target_worker_rss_mb=300,
        )
    ]
