"""Annotation benchmark: agreement with Ensembl VEP, and speed.

1. Agreement. Reads the real VEP-annotated VCFs in ../shared/data/vcf, re-annotates every
   allele with DART's offline annotator (ignoring the CSQ), and compares gene, consequence,
   HGVSc and HGVSp on the same transcript: the VEP transcript is matched to the indexed LRG
   transcript by accession (RefSeq NM_ or, through the MANE table, the Ensembl ENST with the
   same CDS). Every disagreement is printed with its class and explanation.
2. Speed. Generates >= 100,000 variants inside the bundled genes (coding, splice region and
   intronic mixed like an exome), writes them to a VCF, and times the bare cyvcf2 loop and the
   same loop with annotation.

Last line: ``annotation agreement=X compared=N variants_per_s=N``.
Run: ``.venv/bin/python benchmarks/annotation/run.py [--n 100000] [--assembly GRCh38]``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cyvcf2 import VCF  # noqa: E402

from genomics.annotation import consequence as so  # noqa: E402
from genomics.annotation.annotator import default_annotator  # noqa: E402
from genomics.annotation.pipeline import (  # noqa: E402
    annotation_from_pipeline,
    parse_annotation_header,
)

SHARED = ROOT.parent / "shared" / "data" / "vcf"
FILES = [
    (
        "pvacseq_HCC1395_somatic.mutect2_strelka_varscan.vep105.expression.grch38.vcf.gz",
        "GRCh38",
        105,
    ),
    ("scout_643594_germline_trio.gatk36.vep_snpeff.grch37.vcf.gz", "GRCh37", 94),
    ("scout_cancer_test.freebayes_paired.vep95.grch37.vcf.gz", "GRCh37", 95),
    ("scout_tumor_only.vardict.vep94.grch37.vcf.gz", "GRCh37", 94),
    ("scout_vep104_annotated.vcf", "GRCh37", 104),
    ("vatools_HCC1395_somatic.vep_csq.grch37.vcf", "GRCh37", 90),
]
# Biotype flags that depend on the Ensembl transcript model, not on the variant.
_BIOTYPE_TERMS = {"NMD_transcript_variant", "non_coding_transcript_variant"}

EXPLANATIONS = {
    "utr_model": "UTR numbering: the LRG (2015) transcript and the Ensembl/MANE transcript VEP "
    "used share the CDS but not the UTR length, so c.-N/c.*N or up/downstream distance differ.",
    "cds_model": "Different transcript model: the Ensembl transcript VEP used (GRCh37 or an "
    "older release) has a CDS that differs from the LRG/RefSeq one with the same accession.",
    "reference_differs": "The assembly differs from the RefSeqGene sequence inside this CDS "
    "(lrg_translation_check.tsv, e.g. a frameshifting reference indel in UNC93B1 on GRCh37): "
    "DART translates the genome, VEP's RefSeq/Ensembl model corrects or differs.",
    "vep_sv": "VEP treats this long insertion as a structural change (feature_elongation, no "
    "HGVS); DART annotates the sequence (e.g. a FLT3 ITD as an in-frame dup).",
    "deep_intronic": "Indel deeper in the intron than the sequence the compact index holds "
    "(exons +- flank): DART cannot shift it 3' to the end of the repeat.",
    "vep_mnv_splice": "Multi-base substitution touching intron +7/+8: VEP 94 reports no "
    "splice_region_variant for it, DART does (the SO definition covers intron 3-8).",
}


_LEGACY_BASES = re.compile(r"(del|dup)[ACGTN]+")
_OFFSET = re.compile(r"[+-](\d+)")
REF_DIFFERS = SHARED.parent / "reference" / "lrg_translation_check.tsv"


def _norm_c(c: str | None) -> str | None:
    # VEP before 95 wrote the deleted/duplicated bases (c.100delC, c.5_7delCTAinsTTG)
    return _LEGACY_BASES.sub(r"\1", c) if c else None


def _norm_p(p: str | None) -> str | None:
    if not p:
        return None
    p = p.replace("%3D", "=")
    if p.endswith("(p.=)"):  # VEP < 95 synonymous: "c.81C>T(p.=)"
        return "p.="
    p = p.replace("p.(", "p.").rstrip(")")
    return "p.=" if p.endswith("=") else p


def _reference_differs() -> set[tuple[str, str]]:
    out = set()
    if REF_DIFFERS.exists():
        for line in REF_DIFFERS.read_text().splitlines()[1:]:
            f = line.split("\t")
            if len(f) > 1 and not line.startswith("#"):
                out.add((f[0], f[1]))
    return out


def _terms(terms, vep_release: int) -> frozenset[str]:
    t = {x for x in terms if x not in _BIOTYPE_TERMS}
    if vep_release < 105:
        t = set(so.legacy_terms(t))
    return frozenset(t)


def _match(ours, vep_entries):
    """VEP entries describing the same transcript as DART's ``ours`` (by accession)."""
    keys = {ours.transcript.split(".")[0]} | {m.split(".")[0] for m in ours.mane_ids}
    out = []
    for v in vep_entries:
        acc = v.transcript.split(".")[0]
        mane = {m.split(".")[0] for m in v.mane_ids}
        if acc in keys or (mane & keys):
            out.append(v)
    return out


def _classify(bad, ours, vep, assembly, flank, ref_differs):
    o = ours.hgvsc or ""
    if any(ours.alias and ours.alias.split("t")[0] in key for key in ref_differs):
        return "reference_differs"
    if {"feature_elongation", "feature_truncation"} & set(vep.consequence):
        return "vep_sv"
    offs = [int(x) for x in _OFFSET.findall(o[2:])]
    if offs and max(offs) >= flank - 20 and ("del" in o or "dup" in o or "ins" in o):
        return "deep_intronic"
    if bad == ["hgvsc"] and (o.startswith("c.-") or o.startswith("c.*")):
        return "utr_model"
    if bad == ["consequence"] and "delins" in o:
        return "vep_mnv_splice"
    if assembly == "GRCh37" and vep.transcript.startswith("ENST"):
        return "cds_model"
    return "unexplained"


def agreement(verbose: bool = True) -> tuple[float, int, list]:
    compared = agreed = 0
    rows = []
    per_field = Counter()
    ref_differs = _reference_differs()
    for name, assembly, release in FILES:
        path = SHARED / name
        if not path.exists():
            continue
        ann = default_annotator(assembly)
        flank = ann.index.meta.get("flank", 150)
        vcf = VCF(str(path))
        try:
            desc = vcf.get_header_type("CSQ")["Description"].strip('"')
        except KeyError:
            continue
        fields = parse_annotation_header("CSQ", desc)
        for rec in vcf:
            csq = rec.INFO.get("CSQ")
            if not csq:
                continue
            for ai, alt in enumerate(rec.ALT, start=1):
                if not alt or alt[0] in "<*." or "[" in alt or "]" in alt:
                    continue
                ours = ann.annotate(rec.CHROM, rec.POS, rec.REF, alt)
                if ours is None:
                    continue
                vep = annotation_from_pipeline("CSQ", csq, fields, alt, ai)
                if vep is None:
                    continue
                for o in ours.transcripts:
                    for v in _match(o, vep.transcripts):
                        compared += 1
                        bad = []
                        if o.gene != v.gene:
                            bad.append("gene")
                        if _terms(o.consequence, release) != _terms(v.consequence, release):
                            bad.append("consequence")
                        if _norm_c(o.hgvsc) != _norm_c(v.hgvsc):
                            bad.append("hgvsc")
                        if _norm_p(o.hgvsp) != _norm_p(v.hgvsp):
                            bad.append("hgvsp")
                        if not bad:
                            agreed += 1
                            continue
                        per_field.update(bad)
                        cls = _classify(bad, o, v, assembly, flank, ref_differs)
                        rows.append(
                            (
                                name.split(".")[0][:28],
                                f"{rec.CHROM}:{rec.POS}{rec.REF}>{alt}",
                                o.transcript,
                                v.transcript,
                                ",".join(bad),
                                f"{'&'.join(o.consequence)} {o.hgvsc} {o.hgvsp}",
                                f"{'&'.join(v.consequence)} {v.hgvsc} {v.hgvsp}",
                                cls,
                            )
                        )
    rate = agreed / compared if compared else 0.0
    if verbose:
        print(f"compared {compared} transcript annotations, agreed {agreed} ({rate:.4f})")
        if rows:
            print("\ndisagreements:")
            print("file | variant | DART tx | VEP tx | fields | DART | VEP | class")
            for r in rows:
                print(" | ".join(r))
            print("\nclasses:")
            for cls, n in Counter(r[-1] for r in rows).most_common():
                print(f"  {cls} ({n}): {EXPLANATIONS.get(cls, 'NOT EXPLAINED')}")
    return rate, compared, rows


def generate(assembly: str, n: int, path: Path, seed: int = 7) -> int:
    """Write ``n`` exome-like variants inside the bundled genes to ``path``."""
    ann = default_annotator(assembly)
    genome = ann.index.genome
    rng = random.Random(seed)
    txs = [t for t in ann.index.transcripts if t.coding and t.seq]
    recs = []
    while len(recs) < n:
        t = rng.choice(txs)
        s, e = rng.choice(t.exons)
        r = rng.random()
        if r < 0.6:  # coding / exonic
            pos = rng.randint(s, e)
        elif r < 0.75:  # splice region (+-10 around a boundary)
            pos = rng.choice((s, e)) + rng.randint(-10, 10)
        else:  # intronic up to 100 bp from the exon (what an exome captures)
            pos = rng.choice((s - rng.randint(11, 100), e + rng.randint(11, 100)))
        ref = genome.fetch(t.chrom, pos, pos + 3)
        if not ref or "N" in ref:
            continue
        k = rng.random()
        if k < 0.9:
            alt = rng.choice([b for b in "ACGT" if b != ref[0]])
            recs.append((t.chrom, pos, ref[0], alt))
        elif k < 0.95:
            recs.append((t.chrom, pos, ref[:3], ref[0]))
        else:
            recs.append((t.chrom, pos, ref[0], ref[0] + rng.choice("ACGT") * rng.randint(1, 4)))
    order = {c: i for i, c in enumerate([str(i) for i in range(1, 23)] + ["X", "Y", "MT"])}
    recs.sort(key=lambda x: (order.get(x[0], 99), x[1]))
    with open(path, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n")
        for c in sorted({r[0] for r in recs}, key=lambda c: order.get(c, 99)):
            fh.write(f"##contig=<ID=chr{c}>\n")
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for c, p, ref, alt in recs:
            fh.write(f"chr{c}\t{p}\t.\t{ref}\t{alt}\t.\tPASS\t.\n")
    return len(recs)


def speed(assembly: str, n: int) -> tuple[float, float, int]:
    ann = default_annotator(assembly)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.vcf"
        generate(assembly, n, path)
        t0 = time.perf_counter()
        k = 0
        for rec in VCF(str(path)):
            for alt in rec.ALT:
                k += 1
                _ = (rec.CHROM, rec.POS, rec.REF, alt)
        bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = 0
        for rec in VCF(str(path)):
            for alt in rec.ALT:
                if ann.annotate(rec.CHROM, rec.POS, rec.REF, alt) is not None:
                    done += 1
        full = time.perf_counter() - t0
    return k / bare, done / full, done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--assembly", default="GRCh38")
    args = ap.parse_args()
    default_annotator(args.assembly)  # load outside the timing
    rate, compared, _ = agreement()
    bare, vps, done = speed(args.assembly, args.n)
    print(
        f"\nspeed on {done} generated variants ({args.assembly}): bare cyvcf2 loop "
        f"{bare:,.0f} variants/s, with annotation {vps:,.0f} variants/s "
        f"(ratio {vps / bare:.3f} of the bare loop)"
    )
    print(f"annotation agreement={rate:.4f} compared={compared} variants_per_s={vps:.0f}")


if __name__ == "__main__":
    main()
