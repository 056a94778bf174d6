"""Benchmark: import generated case history into an empty database (`make bench`).

Prints rows per second and the peak memory of runs of different sizes, to show that memory
does not grow with the file. Target: 10,000 validated rows a second for 100,000 rows.
"""

import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "cme_tracker.settings.bench"

HEADER = [
    "episode_ref", "child_ref", "upn", "forename", "surname", "date_of_birth", "gender",
    "ethnicity", "family_ref", "locality", "school_phase", "referral_date", "presenting_need",
    "fsm_eligible", "open_to", "closed_date", "closure_outcome", "referral_source", "cme_reason",
]  # fmt: skip


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """Synthetic rows: children of two to three episodes each, in sibling pairs."""
    from cases.upn import expected_check_letter

    rng = random.Random(seed)
    ethnicities = ["WROM", "WBRI", "NOBT", "", "WOTH", "APKN", "Gypsy/Roma", "BAFR"]
    localities = ["Clifton", "Central", "North", "Wath/Swinton", "South", ""]
    needs = ["NO_DATA", "NEGLECT", "Domestic abuse", "ATTENDANCE", ""]
    reasons = [
        "UNKNOWN",
        "Believed to have moved to another country",
        "MOVED_IN_FROM_ABROAD",
        "APPLICATION_AWAITING_OUTCOME",
        "WHEREABOUTS_UNKNOWN",
        "mental health",
        "",
    ]
    outcomes = ["ENQUIRIES_EXHAUSTED", "FOUND_SCHOOL_THIS_LA", "OTHER_LA_ACCEPTED",
                "Verified left UK", "FOUND_TRANSFERRED_TRACKING"]  # fmt: skip
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        written = child = 0
        while written < rows:
            child += 1
            born = date(2000, 9, 1) + timedelta(days=rng.randrange(4000))
            body = f"999{child % 10000:04d}{child // 10000 % 100:02d}{child % 1000:03d}"
            upn = expected_check_letter("A" + body) + body if rng.random() < 0.7 else ""
            start = born + timedelta(days=365 * 6 + rng.randrange(1500))
            for number in range(rng.choice([2, 2, 3])):
                if written >= rows or start > date(2026, 1, 1):
                    break
                closed = start + timedelta(days=rng.randrange(10, 300))
                still_open = number == 2 or closed > date(2026, 1, 1)
                writer.writerow([
                    f"E{child}-{number}", f"C{child}", upn, "Forename", f"Surname{child // 2}",
                    born.isoformat(), rng.choice("MF"), rng.choice(ethnicities),
                    f"F{child // 2}", rng.choice(localities),
                    rng.choice(["Primary", "Secondary", ""]), start.isoformat(),
                    rng.choice(needs), rng.choice("YN "), "",
                    "" if still_open else closed.isoformat(),
                    "" if still_open else rng.choice(outcomes), "SCHOOL", rng.choice(reasons),
                ])  # fmt: skip
                written += 1
                if still_open:
                    break
                start = closed + timedelta(days=rng.randrange(1, 400))


def fresh_database() -> None:
    """An empty database of the bench's own, made and migrated by the owner role; the bench
    then works as the application's role, as the web server and worker do."""
    import django
    from django.conf import settings

    django.setup()
    import psycopg
    from psycopg import sql

    owner = settings.DATABASE_ROLES["owner"]
    with psycopg.connect(
        dbname="postgres", user=owner["USER"], host=owner["HOST"], port=owner["PORT"] or None,
        password=owner["PASSWORD"] or None, autocommit=True,
    ) as conn:  # fmt: skip
        name = sql.Identifier(settings.DATABASES["default"]["NAME"])  # from the bench settings
        for _ in range(50):  # a server just stopped may take a moment to let go of it
            alive = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                [settings.DATABASES["default"]["NAME"]],
            ).fetchone()[0]
            if not alive:
                break
            time.sleep(0.2)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def superuser_connection():
    """The embedded server's superuser, for what only a DBA does: a bulk load with triggers
    off, VACUUM. Never the application's connection."""
    import psycopg
    from django.conf import settings

    from cme_tracker import embedded

    url = embedded.postgres_urls(settings.DATA_DIR).superuser
    return psycopg.connect(url, dbname=settings.DATABASES["default"]["NAME"], autocommit=True)


def one_run(rows: int) -> None:
    """In a child process: time one import into an empty database; print a result line."""
    fresh_database()
    from cases.bulk.importer import import_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        generate(path, rows)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = import_file(path, file_name=path.name)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert report.imported, report.errors[:5]
    print(
        f"  {rows:>7,} rows: {seconds:6.2f} s, {rows / seconds:>8,.0f} rows/s; "
        f"{report.episodes_created:,} episodes, {report.children_created:,} children; "
        f"peak memory {peak / 1024:.0f} MB (grew {(peak - before) / 1024:.0f} MB during import)",
        flush=True,
    )


def main() -> None:
    if len(sys.argv) > 1:
        one_run(int(sys.argv[1]))
        return
    print("Case-history import into an empty database (target: 10,000 rows/s at 100,000 rows)")
    for rows in (10_000, 100_000):
        subprocess.run([sys.executable, __file__, str(rows)], check=True)


if __name__ == "__main__":
    main()
