"""Build DART's bundled gene tables from the public reference files in ../shared/data/reference.

Run from the project root::

    .venv/bin/python genomics/data/genes/build.py [--reference ../shared/data/reference]

Writes, beside this script:

* ``genes.GRCh38.tsv.gz``: one row per gene (MANE v1.5 "MANE Select" transcript span, 1-based,
  inclusive), columns gene, chrom, start, end, strand, hgnc_id, ensembl_gene.
* ``genes.GRCh37.tsv.gz``: the same columns for the LRG genes (span of the LRG transcripts
  projected to GRCh37.p13); MANE has no GRCh37 coordinates.
* ``transcripts.tsv.gz``: transcript id without version -> gene symbol (MANE Select and Plus
  Clinical RefSeq and Ensembl transcripts, LRG RefSeq transcripts), assembly-independent.

The sources are public domain (MANE, NCBI/EMBL-EBI) and freely available (LRG). SpliceAI's
gene models (GPL-3.0) are deliberately not used. Output is deterministic (gzip mtime 0).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_REFERENCE = HERE.parents[2].parent / "shared" / "data" / "reference"
GENE_COLUMNS = ["gene", "chrom", "start", "end", "strand", "hgnc_id", "ensembl_gene"]
_ATTRIBUTE = re.compile(r'(\S+) "([^"]*)"')


def _refseq_chrom(accession: str) -> str | None:
    """``NC_000007.14`` -> ``7``; ``NC_000023`` -> X, 24 -> Y, ``NC_012920`` -> MT."""
    match = re.fullmatch(r"NC_0000(\d\d)\.\d+", accession)
    if match:
        number = int(match.group(1))
        return {23: "X", 24: "Y"}.get(number, str(number))
    if accession.startswith("NC_012920"):
        return "MT"
    return None


def _unversioned(identifier: str) -> str:
    return identifier.split(".", 1)[0]


def _write_tsv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(buffer.getvalue().encode())
    print(f"{path.name}: {len(rows)} rows")


def build(reference: Path) -> None:
    transcripts: dict[str, str] = {}
    ensembl_of: dict[str, str] = {}
    grch38: dict[str, list[str]] = {}
    with gzip.open(reference / "GRCh38" / "MANE.GRCh38.v1.5.summary.txt.gz", "rt") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            symbol = row["symbol"]
            ensembl_gene = _unversioned(row["Ensembl_Gene"])
            for tx in (row["RefSeq_nuc"], row["Ensembl_nuc"]):
                transcripts.setdefault(_unversioned(tx), symbol)
            ensembl_of.setdefault(symbol, ensembl_gene)
            chrom = _refseq_chrom(row["GRCh38_chr"])
            if row["MANE_status"] != "MANE Select" or chrom is None:
                continue
            grch38[symbol] = [
                symbol,
                chrom,
                row["chr_start"],
                row["chr_end"],
                row["chr_strand"],
                row["HGNC_ID"],
                ensembl_gene,
            ]
    grch37: dict[str, list[str]] = {}
    with gzip.open(reference / "GRCh37" / "lrg_transcripts.GRCh37.gtf.gz", "rt") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(fields) < 9 or fields[2] != "transcript":
                continue
            attributes = dict(_ATTRIBUTE.findall(fields[8]))
            symbol = attributes["gene_name"]
            if attributes.get("refseq_transcript"):
                transcripts.setdefault(_unversioned(attributes["refseq_transcript"]), symbol)
            chrom = fields[0].removeprefix("chr")
            start, end = int(fields[3]), int(fields[4])
            known = grch37.get(symbol)
            if known and known[1] == chrom:
                known[2] = str(min(int(known[2]), start))
                known[3] = str(max(int(known[3]), end))
            elif not known:  # CSF2RA sits in both PARs; keep the X copy, which comes first
                grch37[symbol] = [
                    symbol,
                    chrom,
                    str(start),
                    str(end),
                    fields[6],
                    attributes.get("hgnc_id", ""),
                    ensembl_of.get(symbol, ""),
                ]

    def by_position(row: list[str]) -> tuple[str, int, str]:
        return (row[1].rjust(2, "0"), int(row[2]), row[0])

    _write_tsv(HERE / "genes.GRCh38.tsv.gz", GENE_COLUMNS, sorted(grch38.values(), key=by_position))
    _write_tsv(HERE / "genes.GRCh37.tsv.gz", GENE_COLUMNS, sorted(grch37.values(), key=by_position))
    _write_tsv(
        HERE / "transcripts.tsv.gz",
        ["transcript", "gene"],
        sorted([tx, gene] for tx, gene in transcripts.items()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    build(parser.parse_args().reference)


if __name__ == "__main__":
    main()
