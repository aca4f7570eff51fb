"""EXPLAIN check of the case page's variant queries on a database holding many WGS-size cases.

Fills its own database (``dart_bench`` by default) with ``--cases`` cases of ``--rows-per-case``
generated Variant rows each (COPY of generated rows, not the full ingestion: the indexes are
dropped during the load and rebuilt from their own definitions afterwards, the table's triggers
are paused for the load), runs VACUUM ANALYZE, then prints ``EXPLAIN (ANALYZE, BUFFERS)``
summaries for ``genomics.selectors.variants_of`` with every sort key and direction, first page
(LIMIT 50) and a deep page (OFFSET 100000), and the ``count(*)`` of one case.

Run: ``.venv/bin/python benchmarks/ingest/explain.py [--cases 20 --rows-per-case 1000000]``;
``--reuse`` keeps rows already loaded when the counts match.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.ingest.run import DEFAULT_DB, ensure_database, machine  # noqa: E402

GENES = [
    "TP53", "KRAS", "EGFR", "BRAF", "PIK3CA", "PTEN", "APC", "BRCA1", "BRCA2", "ATM", "ERBB2",
    "NRAS", "IDH1", "IDH2", "ALK", "ROS1", "MET", "RET", "CDKN2A", "SMAD4", "ARID1A", "KMT2D",
    "NOTCH1", "FGFR1", "FGFR2", "FGFR3", "CTNNB1", "NF1", "RB1", "STK11", "KEAP1", "PALB2",
]  # fmt: skip
CONSEQUENCES = ["missense_variant", "synonymous_variant", "intron_variant", "stop_gained",
                "frameshift_variant", "splice_region_variant,intron_variant",
                "3_prime_UTR_variant", "upstream_gene_variant"]  # fmt: skip
ONCOGENICITY = ["vus", "likely_oncogenic", "oncogenic", "likely_benign", "benign"]
FILTERS = ["PASS"] * 7 + ["weak_evidence", "germline", "normal_artifact", "strand_bias"]
CHROMS = [(f"chr{c}", n) for c, n in zip(
    [*range(1, 23), "X", "Y"],
    [248, 242, 198, 190, 181, 170, 159, 145, 138, 133, 135, 133, 114, 107, 101, 90, 83, 80, 58,
     64, 46, 50, 156, 57],
)]  # fmt: skip
COLUMNS = (
    "case_id", "upload_id", "origin", "line", "variant_id", "chrom", "pos", "ref", "alt",
    "original", "filters", "passed", "qual", "vaf", "depth", "alt_count", "normal_vaf",
    "normal_depth", "gene", "transcript", "consequence", "hgvsc", "hgvsp", "hgvsp_short", "exon",
    "annotation_source", "gene_role", "hotspot", "oncogenicity", "oncogenicity_criteria", "info",
)  # fmt: skip


class GeneratedRows(io.RawIOBase):
    """A readable stream of COPY text for ``n`` WGS-like variants of one case."""

    def __init__(self, case_id: int, upload_id: int, n: int, seed: int) -> None:
        self.lines = self._lines(case_id, upload_id, n, random.Random(seed))
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = "".join(next(self.lines, "") for _ in range(5000))
            if not chunk:
                break
            self.buffer += chunk.encode()
        if size < 0:
            size = len(self.buffer)
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    @staticmethod
    def _lines(case_id: int, upload_id: int, n: int, rnd: random.Random):
        total = sum(length for _, length in CHROMS)
        line = 200
        for chrom, length in CHROMS:
            share = n * length // total
            step = max(length * 1_000_000 // max(share, 1), 2)
            pos = 10_000
            for _ in range(share):
                pos += rnd.randint(1, 2 * step - 1)
                line += 1
                ref = rnd.choice("ACGT")
                alt = rnd.choice([b for b in "ACGT" if b != ref])
                vid = f"{chrom}:{pos}:{ref}:{alt}"
                filt = rnd.choice(FILTERS)
                depth = rnd.randint(15, 400)
                vaf = round(rnd.uniform(0.02, 0.6), 3)
                if rnd.random() < 0.015:  # about 1.5% of WGS calls fall in an indexed gene
                    gene = rnd.choice(GENES)
                    csq = rnd.choice(CONSEQUENCES)
                    onc = rnd.choice(ONCOGENICITY)
                    ann = (
                        f"{gene}\tNM_000000.1\t{csq}\tc.1A>G\tp.Met1Val\tp.M1V\t1/10\tdart\t"
                        f"oncogene\tf\t{onc}\t[]"
                    )
                else:
                    ann = "\t\t\t\t\t\t\t\t\tf\t\t[]"
                yield (
                    f"{case_id}\t{upload_id}\tsomatic\t{line}\t{vid}\t{chrom}\t{pos}\t{ref}\t"
                    f"{alt}\t{vid}\t{filt}\t{'t' if filt == 'PASS' else 'f'}\t\\N\t{vaf}\t"
                    f"{depth}\t{int(vaf * depth)}\t0.01\t{depth // 2}\t{ann}\t"
                    f"TLOD={rnd.randint(3, 400)}.1\n"
                )


def fill(cases: int, rows_per_case: int, reuse: bool) -> list[int]:
    """Create the cases and their rows; return the case ids."""
    from django.db import connection

    from core.models import Site
    from genomics.models import Variant
    from genomics.services.uploads import upload_register
    from tumorboard.models import Case
    from tumorboard.services.cases import case_create

    site, _ = Site.objects.get_or_create(slug="bench-explain", defaults={"name": "EXPLAIN"})
    existing = list(Case.objects.filter(site=site).order_by("id").values_list("id", flat=True))
    if reuse and len(existing) == cases:
        counts = {
            row["case_id"]: row["n"]
            for row in Variant.objects.filter(case_id__in=existing)
            .values("case_id")
            .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        }
        if all(counts.get(c) == _rows_for(rows_per_case) for c in existing):
            print(f"reusing {cases} cases already loaded")
            return existing
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE genomics_variant")
    Case.objects.filter(site=site).delete()
    tiny = Path(os.environ.get("TMPDIR", "/tmp")) / "dart-explain-tiny.vcf"
    case_ids, upload_ids = [], []
    from django.test.utils import override_settings

    media = Path(os.environ.get("TMPDIR", "/tmp")) / "dart-explain-media"
    with override_settings(MEDIA_ROOT=str(media)):
        for i in range(cases):
            case = case_create(user=None, site=site, tumor_type="LUAD", assembly="GRCh38")
            tiny.write_text(
                "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=248956422>\n"
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                f"chr1\t{1000 + i}\t.\tA\tC\t.\tPASS\t.\n"
            )
            upload = upload_register(
                user=None,
                case=case,
                kind="germline_vcf",
                source=str(tiny),
                original_name=f"case{i}.vcf",
                dispatch=False,
            )
            case_ids.append(case.pk)
            upload_ids.append(upload.pk)
    table = Variant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE %s",
            [table, "%pkey"],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # the rows are valid by construction; the key checks would only slow the load
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    t0 = time.perf_counter()
    raw = connection.connection
    for i, (case_id, upload_id) in enumerate(zip(case_ids, upload_ids)):
        with raw.cursor() as cursor:
            cursor.copy_expert(
                f'COPY "{table}" ({cols}) FROM STDIN',
                GeneratedRows(case_id, upload_id, rows_per_case, seed=i),
                size=1 << 20,
            )
        raw.commit()
        print(f"  case {i + 1}/{cases} loaded ({time.perf_counter() - t0:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER ALL')
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            t1 = time.perf_counter()
            cursor.execute(definition)
            print(f"  index {name} built in {time.perf_counter() - t1:.0f} s", flush=True)
    return case_ids


def _rows_for(rows_per_case: int) -> int:
    total = sum(length for _, length in CHROMS)
    return sum(rows_per_case * length // total for _, length in CHROMS)


def summarize(plan: str) -> str:
    """Execution time, verdict and node chain of an EXPLAIN ANALYZE text. The verdict is
    "index order" when an index delivers the rows in page order (at most an incremental sort
    of ties), "index + sort" when every row of the case is read through an index and sorted,
    "seq scan" otherwise."""
    nodes = []
    for line in plan.splitlines():
        text = line.split("->")[-1].strip()
        if line.strip().startswith("->") or line is plan.splitlines()[0]:
            name = re.sub(r"\s+\(cost=.*", "", text).replace(" on genomics_variant", "")
            nodes.append(name)
    sort = re.findall(r"Sort Method: ([^\n]+)", plan)
    exec_ms = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    kinds = [n.split(" using ")[0] for n in nodes]
    if any("Seq Scan" in k for k in kinds):
        verdict = "seq scan"
    elif "Sort" in kinds:
        verdict = "index + sort"
    else:
        verdict = "index order"
    return (
        f"{float(exec_ms.group(1)) if exec_ms else float('nan'):9.1f} ms  {verdict:<12}  "
        + " > ".join(nodes)
        + (f" | {sort[0].strip()}" if sort else "")
    )


def explain(case_id: int, deep: int, verbose: bool) -> list[tuple[str, str]]:
    from django.db import connection

    from genomics import selectors
    from tumorboard.models import Case

    case = Case.objects.get(pk=case_id)
    out = []
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM genomics_variant WHERE case_id = %s",
            [case_id],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        out.append(("count(*) of the case", summarize(plan)))
        if verbose:
            print(plan)
    for sort in selectors.VARIANT_SORTS:
        for descending in (False, True):
            qs = selectors.variants_of(case=case, sort=sort, descending=descending)
            if isinstance(qs, selectors.MissingLast):  # the calls with a VAF: every page here
                qs = qs.known
            for offset in (0, deep):
                page = qs[offset : offset + 50]
                plan = page.explain(analyze=True, buffers=True)
                label = f"{sort} {'desc' if descending else 'asc'} offset {offset}"
                out.append((label, summarize(plan)))
                if verbose:
                    print(f"--- {label}\n{plan}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--rows-per-case", type=int, default=1_000_000)
    ap.add_argument("--deep-offset", type=int, default=100_000)
    ap.add_argument("--database-url", default=os.environ.get("DART_BENCH_DATABASE_URL", DEFAULT_DB))
    ap.add_argument("--reuse", action="store_true", help="keep rows already loaded")
    ap.add_argument("--skip-fill", action="store_true", help="query what is loaded")
    ap.add_argument("--verbose", action="store_true", help="print the full plans")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "dart.settings.test"
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()
    from django.db import connection

    from core.models import Site
    from tumorboard.models import Case

    t0 = time.perf_counter()
    if args.skip_fill:
        site = Site.objects.get(slug="bench-explain")
        case_ids = list(Case.objects.filter(site=site).order_by("id").values_list("id", flat=True))
    else:
        case_ids = fill(args.cases, args.rows_per_case, args.reuse)
        connection.ensure_connection()
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            t1 = time.perf_counter()
            cursor.execute("VACUUM ANALYZE genomics_variant")
            print(f"  VACUUM ANALYZE in {time.perf_counter() - t1:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('genomics_variant'))"
            " FROM genomics_variant"
        )
        rows, size = cursor.fetchone()
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'genomics_variant' "
            "ORDER BY indexname"
        )
        indexes = [r[0] for r in cursor.fetchall()]
    print(
        f"\n{rows:,} Variant rows in {len(case_ids)} cases ({size} with indexes; "
        f"prepared in {time.perf_counter() - t0:.0f} s); indexes: {', '.join(indexes)}"
    )
    case_id = case_ids[len(case_ids) // 2]
    deep = min(args.deep_offset, max(0, args.rows_per_case - 50))
    print(f"case {case_id}: case page queries (LIMIT 50; deep page OFFSET {deep})\n")
    results = explain(case_id, deep, args.verbose)
    for label, summary in results:
        print(f"  {label:<32} {summary}")
    ordered = sum("index order" in s for _, s in results)
    worst = max(results, key=lambda r: float(r[1].split()[0]))
    print(
        f"\nexplain queries={len(results)} index_order={ordered} "
        f"slowest_ms={float(worst[1].split()[0]):.0f} ({worst[0]})"
    )


if __name__ == "__main__":
    main()
