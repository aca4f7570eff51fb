"""``python manage.py reference_build``: a site's GTF/GFF3 + FASTA -> a DART transcript index."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from genomics.annotation.index import build_index


class Command(BaseCommand):
    help = (
        "Build the compact transcript index the offline annotator loads, from a GTF/GFF3 and "
        "an indexed FASTA (whole genome or chrN:start-end region records)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--assembly", required=True, choices=["GRCh38", "GRCh37"])
        parser.add_argument("--gtf", required=True, help="GTF or GFF3, plain or gzip")
        parser.add_argument("--fasta", required=True, help="FASTA with .fai (bgzip: and .gzi)")
        parser.add_argument("--genes", help="comma-separated symbols, or a file with one a line")
        parser.add_argument("--mane", help="MANE summary file, to flag MANE Select transcripts")
        parser.add_argument("--name", help="index name recorded as provenance")
        parser.add_argument("--index-version", help="index version (default: today's date)")
        parser.add_argument("--out", help="default: dart_transcripts.<assembly>.json.gz")
        parser.add_argument(
            "--flank",
            type=int,
            default=150,
            help="genome sequence kept around each exon (bp); larger values let deep intronic "
            "indels be 3'-shifted at the cost of a larger index",
        )

    def handle(self, *args, **opts):
        genes = None
        if opts["genes"]:
            g = Path(opts["genes"])
            text = g.read_text() if g.is_file() else opts["genes"]
            genes = [x.strip() for x in text.replace(",", "\n").splitlines() if x.strip()]
        for key in ("gtf", "fasta"):
            if not Path(opts[key]).is_file():
                raise CommandError(f"The {key.upper()} file {opts[key]} does not exist.")
        out = Path(opts["out"] or f"dart_transcripts.{opts['assembly']}.json.gz")
        try:
            path = build_index(
                assembly=opts["assembly"],
                gtf=opts["gtf"],
                fasta=opts["fasta"],
                out=out,
                genes=genes,
                mane=opts["mane"],
                name=opts["name"],
                version=opts["index_version"],
                flank=opts["flank"],
            )
        except (OSError, ValueError) as exc:
            raise CommandError(f"Could not build the index: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({path.stat().st_size:,} bytes)."))
