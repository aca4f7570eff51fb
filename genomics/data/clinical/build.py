"""Derive DART's bundled clinical tables from the public source files.

Run from the project root::

    .venv/bin/python genomics/data/clinical/build.py [--kb ../shared/data/kb]

Reads (see ``SOURCE.md`` for versions and licences):

* ``gene_roles/intogen_Compendium_Cancer_Genes.20200202.tsv.gz`` (IntOGen, CC0)
* ``gene_roles/cancermine_collated.v47.tsv.gz`` (CancerMine, CC0)
* ``cancerhotspots/hotspots_v2.chang2017.tsv.gz`` (Cancer Hotspots v2, ODbL 1.0)
* ``cancerhotspots/genome-nexus_hotspots_v2_and_3d.grch38_ensembl95.tsv.gz`` (ODbL 1.0)

Writes ``gene_roles.tsv``, ``gene_domains.tsv`` and ``hotspots.tsv`` beside this file. The
output is deterministic (sorted rows, no timestamps), so a rebuild from the same inputs gives
byte-identical files. ``established_oncogenic_variants.tsv`` is written by hand, not here.
"""

from __future__ import annotations

import argparse
import csv
import gzip
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_KB = HERE.parents[2].parent / "shared" / "data" / "kb"

INTOGEN = "gene_roles/intogen_Compendium_Cancer_Genes.20200202.tsv.gz"
CANCERMINE = "gene_roles/cancermine_collated.v47.tsv.gz"
HOTSPOTS_V2 = "cancerhotspots/hotspots_v2.chang2017.tsv.gz"
GENOME_NEXUS = "cancerhotspots/genome-nexus_hotspots_v2_and_3d.grch38_ensembl95.tsv.gz"

# CancerMine-only genes need this many oncogene + tumour-suppressor citations to be listed.
CANCERMINE_MIN_CITATIONS = 10
# A gene-level literature call needs this ratio between the two roles; otherwise "both".
CANCERMINE_RATIO = 2.0
# When IntOGen itself calls the gene ambiguous, the literature must be more one-sided to
# overrule that call.
CANCERMINE_RATIO_OVER_AMBIGUOUS = 3.0


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t")


def _literature_role(onc: int, tsg: int, ratio: float) -> str:
    if onc >= ratio * tsg:
        return "oncogene"
    if tsg >= ratio * onc:
        return "tumor_suppressor"
    return "both"


def build_gene_roles(kb: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Gene roles and IntOGen significant domains, as rows ready to write."""
    intogen_roles: dict[str, Counter[str]] = defaultdict(Counter)
    domains: dict[tuple[str, str, int, int], set[str]] = defaultdict(set)
    for row in _rows(kb / INTOGEN):
        gene = row["SYMBOL"]
        intogen_roles[gene][row["ROLE"]] += 1
        for item in filter(None, (row.get("DOMAIN") or "").split(",")):
            pfam, start, end = item.split(":")
            domains[(gene, pfam, int(start), int(end))].add(row["COHORT"])

    citations: dict[str, Counter[str]] = defaultdict(Counter)
    for row in _rows(kb / CANCERMINE):
        citations[row["gene_normalized"]][row["role"]] += int(row["citation_count"])

    roles: list[list[str]] = []
    for gene in sorted(set(intogen_roles) | set(citations)):
        counts = intogen_roles.get(gene, Counter())
        onc = citations[gene]["Oncogene"] if gene in citations else 0
        tsg = citations[gene]["Tumor_Suppressor"] if gene in citations else 0
        act, lof = counts["Act"], counts["LoF"]
        if act and lof:
            role, basis = "both", "intogen"
        elif act:
            role, basis = "oncogene", "intogen"
        elif lof:
            role, basis = "tumor_suppressor", "intogen"
        elif counts:  # IntOGen driver with only "ambiguous" calls
            if onc + tsg == 0:
                role, basis = "both", "intogen"
            else:
                role = _literature_role(onc, tsg, CANCERMINE_RATIO_OVER_AMBIGUOUS)
                basis = "intogen_ambiguous+cancermine"
        elif onc + tsg >= CANCERMINE_MIN_CITATIONS:
            role, basis = _literature_role(onc, tsg, CANCERMINE_RATIO), "cancermine"
        else:
            continue
        intogen_text = ",".join(f"{k}:{v}" for k, v in sorted(counts.items()))
        roles.append([gene, role, basis, intogen_text, str(onc), str(tsg)])

    domain_rows = [
        [gene, pfam, str(start), str(end), str(len(cohorts))]
        for (gene, pfam, start, end), cohorts in sorted(domains.items())
    ]
    return roles, domain_rows


def _count_list(text: str) -> dict[str, int]:
    """``E:833|M:29`` -> {"E": 833, "M": 29}."""
    out: dict[str, int] = {}
    for item in filter(None, text.split("|")):
        key, _, value = item.rpartition(":")
        out[key] = out.get(key, 0) + int(float(value))
    return out


def build_hotspots(kb: Path) -> list[list[str]]:
    """Single-residue and splice hotspots (v2) plus in-frame indel hotspots (Genome Nexus)."""
    transcripts: dict[str, str] = {}
    indels: list[list[str]] = []
    for row in _rows(kb / GENOME_NEXUS):
        gene = row["hugo_symbol"]
        transcripts.setdefault(gene, row["transcript_id"])
        if row["type"] != "in-frame indel":
            continue
        start, _, end = row["residue"].partition("-")
        variants = _count_list(row["variant_amino_acid"])
        indels.append(
            [
                gene,
                "in_frame_indel",
                start,
                end or start,
                "",
                row["tumor_count"],
                "|".join(f"{k}:{v}" for k, v in sorted(variants.items())),
                row["q_value"],
                row["transcript_id"],
            ]
        )

    residues: dict[tuple[str, str], dict[str, object]] = {}
    for row in _rows(kb / HOTSPOTS_V2):
        gene, position = row["Hugo_Symbol"], row["Amino_Acid_Position"]
        entry = residues.setdefault(
            (gene, position),
            {
                "ref": row["Reference_Amino_Acid"].split(":")[0],
                "count": row["Mutation_Count"],
                "qvalue": row["qvalue"],
                "variants": Counter(),
            },
        )
        variants = entry["variants"]
        assert isinstance(variants, Counter)
        for aa, count in _count_list(row["Variant_Amino_Acid"]).items():
            variants[aa] = max(variants[aa], count)

    singles: list[list[str]] = []
    for (gene, position), entry in residues.items():
        variants = entry["variants"]
        assert isinstance(variants, Counter)
        if position.endswith("_splice"):  # "X187_splice"
            kind, pos, ref = "splice", position[1:].split("_")[0], ""
            variant_text = f"splice:{entry['count']}"
        else:
            kind, pos, ref = "single_residue", position, str(entry["ref"])
            variant_text = "|".join(f"{k}:{v}" for k, v in sorted(variants.items()))
        singles.append(
            [
                gene,
                kind,
                pos,
                pos,
                ref,
                str(entry["count"]),
                variant_text,
                str(entry["qvalue"]),
                transcripts.get(gene, ""),
            ]
        )

    rows = singles + indels
    rows.sort(key=lambda r: (r[0], int(r[2]), int(r[3]), r[1]))
    return rows


def _write(path: Path, header: list[str], rows: list[list[str]], comment: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# {comment}\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=DEFAULT_KB, help="the shared kb/ folder")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the tables")
    args = parser.parse_args(argv)

    roles, domains = build_gene_roles(args.kb)
    _write(
        args.out / "gene_roles.tsv",
        [
            "gene",
            "role",
            "basis",
            "intogen_roles",
            "cancermine_oncogene_citations",
            "cancermine_tumor_suppressor_citations",
        ],
        roles,
        "DART gene roles; IntOGen 2020-02-02 + CancerMine v47 (both CC0); see SOURCE.md",
    )
    _write(
        args.out / "gene_domains.tsv",
        ["gene", "pfam", "start", "end", "cohorts"],
        domains,
        "IntOGen 2020-02-02 smRegions significant Pfam domains (CC0); see SOURCE.md",
    )
    hotspots = build_hotspots(args.kb)
    _write(
        args.out / "hotspots.tsv",
        [
            "gene",
            "type",
            "start",
            "end",
            "ref",
            "residue_count",
            "variants",
            "qvalue",
            "transcript",
        ],
        hotspots,
        "Cancer Hotspots v2 (Chang et al. 2018) via cancerhotspots.org and Genome Nexus; "
        "ODbL 1.0; see SOURCE.md",
    )
    print(f"gene_roles={len(roles)} gene_domains={len(domains)} hotspots={len(hotspots)}")


if __name__ == "__main__":
    main()
