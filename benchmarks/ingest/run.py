"""Ingestion benchmark: DART's full VCF ingestion against the bare cyvcf2 loop, in one run.

For each size (100k, 300k and 1M records by default) a Mutect2-style tumor/normal VCF is
generated (bgzipped, in a temporary directory), then timed twice on the same file:

(a) baseline, exactly ``for v in cyvcf2.VCF(path): v.format('AD')`` and nothing else;
(b) DART: ``upload_register(..., dispatch=False)`` + ``upload_ingest`` into PostgreSQL (sniff,
    header check, sha256, parse, validate, split/normalise, annotate, COPY, analysis), in a fresh
    child process whose peak RSS is read with ``resource.getrusage`` at the end.

Records/second counts VCF records (lines) for both sides. The database is its own
(``dart_bench`` unless ``--database-url`` says otherwise); it is created and migrated first.
The last line is ``ingest dart_rps=N baseline_rps=N ratio=X peak_rss_mb=N`` (largest size).

Run: ``.venv/bin/python benchmarks/ingest/run.py [--records 1000000]`` (``make bench`` runs it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/dart_bench"
DEFAULT_SIZES = (100_000, 300_000, 1_000_000)


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="dart.settings.test",
        CELERY_TASK_ALWAYS_EAGER="1",
        PYTHONPATH=str(ROOT),
    )
    return env


def ensure_database(database_url: str) -> None:
    """Create the benchmark database when missing and migrate it."""
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(database_url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    conn.close()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        env=_env(database_url),
        cwd=ROOT,
        check=True,
    )


def baseline(path: str) -> tuple[int, float]:
    """The bare loop of the issue: (records, seconds)."""
    import cyvcf2

    t0 = time.perf_counter()
    n = 0
    for v in cyvcf2.VCF(path):
        v.format("AD")
        n += 1
    return n, time.perf_counter() - t0


def run_child(path: str, database_url: str, profile: str | None) -> dict:
    """DART's ingestion of ``path`` in a fresh process; returns its JSON report."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", path]
    if profile:
        cmd += ["--profile", profile]
    out = subprocess.run(
        cmd, env=_env(database_url), cwd=ROOT, check=True, capture_output=True, text=True
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit("the ingestion child printed no result")
    return json.loads(lines[-1])


def _warm_knowledge_base() -> None:
    try:
        from genomics.selectors_kb import knowledge_for_ranking
    except ImportError:  # an older layout: the analysis loads it on first use
        return
    knowledge_for_ranking()


def child(path: str, profile: str | None) -> None:
    """Runs inside the child: set up a case, register and ingest the file, print JSON."""
    import resource

    import django

    django.setup()
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.test.utils import override_settings

    from core.models import BackgroundJob, Site
    from genomics.annotation.annotator import default_annotator
    from genomics.io.genes import GeneSpans
    from genomics.models import Variant
    from genomics.services.ingest import upload_ingest
    from genomics.services.uploads import upload_register
    from tumorboard.services.cases import case_create

    # a worker loads its lookup tables once per process, not once per file
    t0 = time.perf_counter()
    default_annotator("GRCh38")
    GeneSpans.load("GRCh38", settings.DART_GENE_TABLE.get("GRCh38") or None)
    _warm_knowledge_base()
    warmup = time.perf_counter() - t0
    # time the analysis that upload_ingest runs after storing the rows (ranking, TMB and MSI
    # over the stored variants) separately, and the peak RSS before it
    import tumorboard.services.analysis as analysis_module

    run_analysis = analysis_module.analysis_run
    stage: dict[str, float] = {}

    def timed_analysis(**kwargs):
        stage["rss_before_analysis_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.perf_counter()
        try:
            return run_analysis(**kwargs)
        finally:
            stage["analysis_s"] = time.perf_counter() - t

    analysis_module.analysis_run = timed_analysis
    with connection.cursor() as cursor:  # each size starts from an empty variant table
        cursor.execute("TRUNCATE genomics_variant")
    try:  # and does not pay for the dirty buffers of earlier work (needs the right to CHECKPOINT)
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        connection.rollback()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    media = tempfile.mkdtemp(prefix="dart-bench-media-")
    with override_settings(MEDIA_ROOT=media):
        site, _ = Site.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
        case = case_create(user=None, site=site, tumor_type="LUAD", assembly="GRCh38")
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        upload = upload_register(
            user=None,
            case=case,
            kind="somatic_vcf",
            source=path,
            original_name=os.path.basename(path),
            dispatch=False,
        )
        t1 = time.perf_counter()
        upload_ingest(upload_id=upload.pk)
        t2 = time.perf_counter()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        job = BackgroundJob.objects.get(pk=upload.job_id)
        upload.refresh_from_db()
        rows = Variant.objects.filter(case=case).count()
    import shutil

    shutil.rmtree(media, ignore_errors=True)
    print(
        json.dumps(
            {
                "register_s": t1 - t0,
                "ingest_s": t2 - t1,
                "total_s": t2 - t0,
                "warmup_s": warmup,
                "state": job.state,
                "error": job.error,
                "rows": rows,
                "record_count": upload.record_count,
                "rss_before_mb": rss_before,
                **stage,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "pass_filters": list(settings.DART_PASS_FILTERS),
            }
        )
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} CPU ({cpu}){mem}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000, help="largest file (records)")
    ap.add_argument("--sizes", default=None, help="comma-separated sizes (default 100k,300k,N)")
    ap.add_argument("--database-url", default=os.environ.get("DART_BENCH_DATABASE_URL", DEFAULT_DB))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", default=None, help="write cProfile stats of the largest run")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.profile)
        return

    from benchmarks.ingest.generate import generate_mutect2_vcf

    if args.sizes:
        sizes = sorted({int(s) for s in args.sizes.split(",")})
    else:
        sizes = sorted({s for s in DEFAULT_SIZES if s < args.records} | {args.records})
    print(f"machine: {machine()}")
    ensure_database(args.database_url)
    results = []
    with tempfile.TemporaryDirectory(prefix="dart-bench-") as tmp:
        for size in sizes:
            path = os.path.join(tmp, f"mutect2_{size}.vcf.gz")
            t0 = time.perf_counter()
            generate_mutect2_vcf(path, size, args.seed)
            gen_s = time.perf_counter() - t0
            n, base_s = baseline(path)
            profile = args.profile if size == sizes[-1] else None
            report = run_child(path, args.database_url, profile)
            if report["state"] != "done":
                raise SystemExit(f"ingestion of {size} records failed: {report['error']}")
            dart_rps = n / report["total_s"]
            base_rps = n / base_s
            results.append((size, n, base_rps, dart_rps, report))
            print(
                f"{size:>9,} records ({os.path.getsize(path) / 1e6:.0f} MB bgzip, generated in "
                f"{gen_s:.0f} s): baseline {base_rps:,.0f} rec/s ({base_s:.1f} s), DART "
                f"{dart_rps:,.0f} rec/s ({report['total_s']:.1f} s = register "
                f"{report['register_s']:.1f} + ingest {report['ingest_s']:.1f}), ratio "
                f"{dart_rps / base_rps:.3f}, {report['rows']:,} variant rows, peak RSS "
                f"{report['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    print()
    print(
        "| records | variant rows | baseline rec/s | DART rec/s | ratio | DART s | "
        "s per 100k | of which analysis s | ratio without analysis | peak RSS MB | "
        "peak RSS before analysis MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, n, base_rps, dart_rps, rep in results:
        analysis = rep.get("analysis_s", 0.0)
        store_rps = n / (rep["total_s"] - analysis)
        print(
            f"| {size:,} | {rep['rows']:,} | {base_rps:,.0f} | {dart_rps:,.0f} | "
            f"{dart_rps / base_rps:.3f} | {rep['total_s']:.1f} | "
            f"{rep['total_s'] / size * 100_000:.2f} | {analysis:.1f} | "
            f"{store_rps / base_rps:.3f} | {rep['peak_rss_mb']:.0f} | "
            f"{rep.get('rss_before_analysis_mb', float('nan')):.0f} |"
        )
    warm = results[-1][4]
    print(
        "\nworker warm-up (transcript index, gene table, knowledge base) excluded from the "
        f"timing: {warm['warmup_s']:.1f} s, RSS after warm-up {warm['rss_before_mb']:.0f} MB"
    )
    size, _n, base_rps, dart_rps, rep = results[-1]
    peak = max(r[4]["peak_rss_mb"] for r in results)
    print(
        f"ingest dart_rps={dart_rps:.0f} baseline_rps={base_rps:.0f} "
        f"ratio={dart_rps / base_rps:.3f} peak_rss_mb={peak:.0f}"
    )


if __name__ == "__main__":
    main()
