"""A real Celery worker process for integration tests, and the helpers its tests share.

The worker runs ``celery -A dart worker`` against the pytest database (its name goes into
``DATABASE_URL``) and a real Redis. Each worker consumes one queue of its own on a Redis database
reserved for these tests (``DART_TEST_BROKER_URL``, default database 13), so neither a developer's
worker nor a parallel test run takes its tasks, and its short redelivery timeout never restores
another consumer's unacknowledged messages.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("DART_TEST_BROKER_URL", "redis://127.0.0.1:6379/13")
READY_TIMEOUT = 90.0


def subprocess_database_url() -> str:
    """The URL of the database pytest-django created (test_dart, or test_dart_gw0 under xdist)."""
    from django.db import connection

    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def unique_queue() -> str:
    return f"dart-test-{uuid.uuid4().hex[:12]}"


class CeleryWorker:
    """One ``celery -A dart worker`` process (and its pool children) in a process group of its own.

    ``stop()`` shuts it down warmly; ``kill()`` sends SIGKILL to the whole group, like a machine
    losing power, so nothing gets the chance to acknowledge, roll back or clean up.
    """

    def __init__(
        self,
        *,
        queue: str,
        log_path: Path,
        pool: str = "solo",
        redelivery_seconds: int = 3600,
        broker_url: str = BROKER_URL,
    ):
        self.queue = queue
        self.log_path = log_path
        self.pool = pool
        self.redelivery_seconds = redelivery_seconds
        self.broker_url = broker_url
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}@localhost"
        self.process: subprocess.Popen | None = None

    def start(self) -> CeleryWorker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dart.settings.test",
            "DATABASE_URL": subprocess_database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DART_REDELIVERY_SECONDS": str(self.redelivery_seconds),
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "dart", "worker",
            f"--pool={self.pool}", "--concurrency=1", "--prefetch-multiplier=1",
            "-Q", self.queue, "-n", self.name, "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() reaches the children
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the worker exited with {self.process.returncode}:\n{self.log()}"
                )
            if f"{self.name} ready." in self.log():
                return
            time.sleep(0.2)
        self.kill()
        raise TimeoutError(f"the worker was not ready after {READY_TIMEOUT:.0f} s:\n{self.log()}")

    def log(self, tail: int | None = None) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text if tail is None else "\n".join(text.splitlines()[-tail:])

    def wait_for_task(self, task_id: str, timeout: float = 60.0) -> None:
        """Wait until this worker logs that the task finished; fail if it raised."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log()
            if f"[{task_id}] succeeded" in log:
                return
            if f"[{task_id}] raised" in log or f"[{task_id}] failed" in log:
                raise AssertionError(f"task {task_id} failed in the worker:\n{self.log(40)}")
            time.sleep(0.2)
        raise TimeoutError(f"task {task_id} did not finish in {timeout:.0f} s:\n{self.log(40)}")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and every process of its group (the pool's children too)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        _wait_group_gone(self.process.pid)

    def stop(self, timeout: float = 30.0) -> None:
        """Warm shutdown (SIGTERM); SIGKILL whatever is still there after ``timeout``."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                pass
        self.kill()


def _wait_group_gone(pgid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise RuntimeError(f"processes of group {pgid} survived SIGKILL")


@contextmanager
def tasks_sent_to(queue: str, broker_url: str = BROKER_URL) -> Iterator[None]:
    """In this (the test) process, send tasks to ``queue`` on the test broker instead of running
    them eagerly; restore the app's configuration afterwards."""
    from dart.celery import app

    keys = ("broker_url", "task_default_queue", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    # Celery prefers the CELERY_BROKER_URL environment variable over its configuration.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = broker_url
    app.close()  # a producer pool made for another broker must not be reused
    app.conf.update(broker_url=broker_url, task_default_queue=queue, task_always_eager=False)
    try:
        yield
    finally:
        with app.connection_for_write() as connection:
            client = connection.default_channel.client
            client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        app.close()
        app.conf.update(saved)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


def wait_until(
    condition: Callable[[], object],
    *,
    timeout: float,
    what: str,
    interval: float = 0.1,
    diagnostics: Callable[[], str] = lambda: "",
):
    """Poll ``condition`` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}\n{diagnostics()}")


def alleles_in_vcf(path: Path) -> int:
    """Records after splitting multi-allelic ones: the number of ALT alleles in the file,
    counted from the raw text (never with the code under test)."""
    opener = gzip.open if path.suffix == ".gz" else open
    count = 0
    with opener(path, "rt") as handle:
        for line in handle:
            if not line.startswith("#"):
                count += len(line.split("\t", 5)[4].split(","))
    return count


def mutect2_vcf(path: Path, *, records: int, seed: int) -> Path:
    """A generated GATK Mutect2 tumor/normal VCF (GRCh38, bgzipped when ``path`` ends in .gz)."""
    from benchmarks.ingest.generate import generate_mutect2_vcf

    generate_mutect2_vcf(str(path), records, seed)
    return path


def open_transactions_of_others() -> int:
    """Sessions on the test database, other than this one, inside an open transaction."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0]
