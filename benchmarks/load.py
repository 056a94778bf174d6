"""Load test: gunicorn with production settings on loopback, under simulated officers.

Each simulated user signs in (a session of its own), then, with 1-2 s to think between, opens
the case list (a filter and sort of its choosing; often then its Next page, and the next), a
case, or searches by name or UPN. Each step runs 60 s. Prints p50 and p95 for each kind of page,
requests a second and errors (anything but 200, 403, 404, or a search's redirect). Run by
``pages.py`` over its database.

A small thread-per-user generator rather than locust: no gevent in the bench's process, and
the generator's own cost (a few ms a request) is measured alongside, on the same 2 cores.
"""

import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_LOAD_PORT", 8799))
STEP_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
STEPS = (50, 150)
TARGET_P95 = 0.300
NEXT = re.compile(rb'href="(\?[^"]*)" rel="next"')


def _production_env(static_root: str) -> dict:
    from django.conf import settings

    database = settings.DATABASES["default"]
    port = f"&port={database['PORT']}" if database["PORT"] else ""
    url = (f"postgresql://{database['USER']}:{database['PASSWORD']}@/{database['NAME']}"
           f"?host={database['HOST']}{port}")  # fmt: skip
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cme_tracker.settings.production",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions made here must be valid there
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }


def _start(env: dict) -> subprocess.Popen:
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    server = subprocess.Popen([str(Path(python).parent / "gunicorn"), "cme_tracker.wsgi"],
                              cwd=ROOT, env=env)  # fmt: skip
    for _ in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _sessions(count: int) -> list[str]:
    """Session cookies for ``count`` users (officers and the manager), made as a sign-in
    makes them: the password, then the authenticator app's code. Production settings ask
    every session for that second factor, so a session without it would measure only the
    redirect to the code's page."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = list(get_user_model().objects.filter(username__in=["officer1", "officer2",
                                                               "officer3", "manager"]))  # fmt: skip
    apps = {user.pk: TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator app", defaults={"confirmed": True})[0]
        for user in users}  # fmt: skip
    cookies = []
    for i in range(count):
        user = users[i % len(users)]
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = apps[user.pk].persistent_id
        session.save()
        cookies.append(session.session_key)
    return cookies


def _work() -> dict:
    """What simulated users ask for: case ids, names and UPNs that exist, filters offered."""
    from cases.filters import SORTS
    from cases.models import Child, Episode, Locality

    top = Episode.objects.order_by("-pk").values_list("pk", flat=True).first()
    return {
        "top": top,
        "upns": list(Child.objects.exclude(upn="").values_list("upn", flat=True)[:2000]),
        "names": [
            "Müller",
            "mull",
            "Nowak",
            "zoe",
            "Smith",
            "owski",
            "Ó Briain",
            "jose garcia",
            "Khan",
            "Łukasz",
        ],
        "sorts": [key for key in SORTS if key],
        "localities": list(Locality.objects.values_list("code", flat=True)),
    }


def _request(rng: random.Random, work: dict) -> tuple[str, str]:
    from urllib.parse import urlencode

    roll = rng.random()
    if roll < 0.45:
        params = rng.choice([
            {}, {"status": "open"}, {"status": "open", "overdue": "yes"},
            {"locality": rng.choice(work["localities"]), "status": "open"},
            {"officer": "mine", "status": "open"}, {"status": "closed"},
        ])  # fmt: skip
        if rng.random() < 0.7:
            params["sort"] = rng.choice(work["sorts"])
        return "list", "/cases/?" + urlencode(params)
    if roll < 0.75:
        return "case", f"/cases/{rng.randrange(1, work['top'])}/"
    if roll < 0.9:
        return "search", "/cases/?" + urlencode({"q": rng.choice(work["names"])})
    return "search", "/cases/?" + urlencode({"q": rng.choice(work["upns"])})


def _user(cookie: str, work: dict, until: float, results: list, seed: int) -> None:
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, 2))  # users arrive over the first two seconds
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=35)
    following = None  # the Next link of the list just read, which a user may follow
    while time.monotonic() < until:
        kind, path = ("list", following) if following else _request(rng, work)
        following = None
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}",
                                                     "X-Forwarded-Proto": "https"})  # fmt: skip
            response = connection.getresponse()
            body = response.read()
            status = response.status
            # A search naming one child or case answers with a redirect to it; any other
            # redirect (to sign in, or to the second factor) is not an answer.
            if status == 302 and not response.getheader("Location", "").startswith("/cases/"):
                status = -302
            found = NEXT.search(body) if kind == "list" else None
            if found and rng.random() < 0.4:
                following = "/cases/" + found.group(1).decode().replace("&amp;", "&")
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=35)
        # A case the user may not open (sensitive, or not theirs) is a page too: 403 is fine;
        # a search naming one child or case answers with a redirect to it.
        answered = status in (200, 403, 404) or (kind == "search" and status == 302)
        results.append((kind, time.perf_counter() - started, answered, status))
        time.sleep(rng.uniform(1, 2))


def _step(users: int, cookies: list[str], work: dict) -> None:
    results: list = []
    until = time.monotonic() + STEP_SECONDS
    threads = [threading.Thread(target=_user, args=(cookies[i], work, until, results, i))
               for i in range(users)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = Counter(status for *_, ok, status in results if not ok)
    # What the errors were: 0 no answer, -302 a redirect away from the cases (a sign-in).
    kinds = ", ".join(f"{count} answered {status}" for status, count in errors.most_common())
    print(f"  {users} users, {STEP_SECONDS} s: {len(results):,} requests "
          f"({len(results) / STEP_SECONDS:.1f} a second), {errors.total()} errors"
          + (f" ({kinds})" if errors else ""), flush=True)  # fmt: skip
    for kind in ("list", "case", "search"):
        times = sorted(seconds for k, seconds, *_ in results if k == kind)
        if not times:
            continue
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        verdict = ("met" if p95 <= TARGET_P95 and not errors else "NOT MET") if users == 50 else ""
        p50 = statistics.median(times)
        print(f"    {kind:<7} {len(times):5,} requests  p50 {p50 * 1000:6.0f} ms"
              f"  p95 {p95 * 1000:6.0f} ms  {verdict}", flush=True)  # fmt: skip


def main() -> None:
    import django

    django.setup()
    print(
        f"Load test: gunicorn ({ROOT / 'gunicorn.conf.py'}), production settings, loopback; "
        f"1-2 s think time; target with 50 users: p95 <= 300 ms, no errors",
        flush=True,
    )
    static_root = tempfile.mkdtemp(prefix="cme-bench-static-")
    env = _production_env(static_root)
    server = _start(env)
    try:
        cookies = _sessions(max(STEPS))
        work = _work()
        for users in STEPS:
            _step(users, cookies, work)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cme_tracker.settings.bench"
    main()
