"""`make demo` runs on the embedded default: SQLite, tasks in-process, the bundled demo case."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def test_the_demo_migrates_sqlite_and_loads_a_ranked_demo_case(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dart.settings.local",
        "DART_SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
        "DART_MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DATABASE_URL", None)

    migrate = run("migrate", "--noinput", env=env)
    assert migrate.returncode == 0, migrate.stderr
    load = run("demo_load", env=env)
    assert load.returncode == 0, load.stderr
    assert "DEMO-COAD-001" in load.stdout
    assert "demo-board-chair" in load.stdout

    db = sqlite3.connect(tmp_path / "demo.sqlite3")
    [(state, records)] = db.execute(
        "SELECT j.state, u.record_count FROM core_upload u JOIN core_backgroundjob j"
        " ON u.job_id = j.id"
    ).fetchall()
    assert (state, records) == ("done", 3313)
    [(first,)] = db.execute(
        "SELECT therapy FROM tumorboard_recommendation WHERE kind = 'sensitivity' AND rank = 1"
    ).fetchall()
    assert first == "Encorafenib + Cetuximab"

    again = run("demo_load", env=env)  # idempotent: a second `make demo` reuses the case
    assert again.returncode == 0, again.stderr
    assert db.execute("SELECT count(*) FROM tumorboard_case").fetchone() == (1,)
