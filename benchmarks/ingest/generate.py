# ruff: noqa: E501  (the Mutect2 header lines are reproduced verbatim)
"""Generate a realistic GATK Mutect2 4.x tumor/normal VCF (GRCh38) for the ingestion benchmark.

Usage: python -m benchmarks.ingest.generate OUT.vcf[.gz] --records 1000000 --seed 1
A ``.gz`` name is written bgzipped (BGZF), like real pipeline output.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile

# GRCh38 primary assembly lengths (chr1 248,956,422 ...), as Mutect2 writes them in ##contig
GRCH38 = [
    ("chr1", 248956422),
    ("chr2", 242193529),
    ("chr3", 198295559),
    ("chr4", 190214555),
    ("chr5", 181538259),
    ("chr6", 170805979),
    ("chr7", 159345973),
    ("chr8", 145138636),
    ("chr9", 138394717),
    ("chr10", 133797422),
    ("chr11", 135086622),
    ("chr12", 133275309),
    ("chr13", 114364328),
    ("chr14", 107043718),
    ("chr15", 101991189),
    ("chr16", 90338345),
    ("chr17", 83257441),
    ("chr18", 80373285),
    ("chr19", 58617616),
    ("chr20", 64444167),
    ("chr21", 46709983),
    ("chr22", 50818468),
    ("chrX", 156040895),
    ("chrY", 57227415),
    ("chrM", 16569),
]

HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=base_qual,Description="alt median base quality">
##FILTER=<ID=clustered_events,Description="Clustered events observed in the tumor">
##FILTER=<ID=germline,Description="Evidence indicates this site is germline, not somatic">
##FILTER=<ID=haplotype,Description="Variant near filtered variant on same haplotype.">
##FILTER=<ID=normal_artifact,Description="artifact_in_normal">
##FILTER=<ID=slippage,Description="Site filtered due to contraction of short tandem repeat region">
##FILTER=<ID=strand_bias,Description="Evidence for alt allele comes from one read direction only">
##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">
##FORMAT=<ID=F1R2,Number=R,Type=Integer,Description="Count of reads in F1R2 pair orientation supporting each allele">
##FORMAT=<ID=F2R1,Number=R,Type=Integer,Description="Count of reads in F2R1 pair orientation supporting each allele">
##FORMAT=<ID=FAD,Number=R,Type=Integer,Description="Count of fragments supporting each allele.">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing haplotype information">
##FORMAT=<ID=PID,Number=1,Type=String,Description="Physical phasing ID information">
##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phasing set (typically the position of the first variant in the set)">
##FORMAT=<ID=SB,Number=4,Type=Integer,Description="Per-sample component statistics which comprise the Fisher's Exact Test to detect strand bias.">
##GATKCommandLine=<ID=FilterMutectCalls,CommandLine="FilterMutectCalls --output filtered.vcf.gz --contamination-table contamination.table --variant unfiltered.vcf.gz --reference Homo_sapiens_assembly38.fasta",Version="4.5.0.0",Date="January 8, 2025 10:12:44 AM UTC">
##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --tumor-sample TUMOR --normal-sample NORMAL --germline-resource af-only-gnomad.hg38.vcf.gz --output unfiltered.vcf.gz --input tumor.bam --input normal.bam --reference Homo_sapiens_assembly38.fasta",Version="4.5.0.0",Date="January 8, 2025 08:01:12 AM UTC">
##INFO=<ID=AS_FilterStatus,Number=A,Type=String,Description="Filter status for each allele, as assessed by ApplyVQSR. Note that the VCF filter field will reflect the most lenient/sensitive status across all alleles.">
##INFO=<ID=AS_SB_TABLE,Number=1,Type=String,Description="Allele-specific forward/reverse read counts for strand bias tests. Includes the reference and alleles separated by |.">
##INFO=<ID=AS_UNIQ_ALT_READ_COUNT,Number=A,Type=Integer,Description="Number of reads with unique start and mate end positions for each alt at a variant site">
##INFO=<ID=CONTQ,Number=1,Type=Float,Description="Phred-scaled qualities that alt allele are not due to contamination">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">
##INFO=<ID=ECNT,Number=1,Type=Integer,Description="Number of events in this haplotype">
##INFO=<ID=GERMQ,Number=1,Type=Integer,Description="Phred-scaled quality that alt alleles are not germline variants">
##INFO=<ID=MBQ,Number=R,Type=Integer,Description="median base quality by allele">
##INFO=<ID=MFRL,Number=R,Type=Integer,Description="median fragment length by allele">
##INFO=<ID=MMQ,Number=R,Type=Integer,Description="median mapping quality by allele">
##INFO=<ID=MPOS,Number=A,Type=Integer,Description="median distance from end of read">
##INFO=<ID=NALOD,Number=A,Type=Float,Description="Negative log 10 odds of artifact in normal with same allele fraction as tumor">
##INFO=<ID=NCount,Number=1,Type=Integer,Description="Count of N bases in the pileup">
##INFO=<ID=NLOD,Number=A,Type=Float,Description="Normal log 10 likelihood ratio of diploid het or hom alt genotypes">
##INFO=<ID=OCM,Number=1,Type=Integer,Description="Number of alt reads whose original alignment doesn't match the current contig.">
##INFO=<ID=PON,Number=0,Type=Flag,Description="site found in panel of normals">
##INFO=<ID=POPAF,Number=A,Type=Float,Description="negative log 10 population allele frequencies of alt alleles">
##INFO=<ID=ROQ,Number=1,Type=Float,Description="Phred-scaled qualities that alt allele are not due to read orientation artifact">
##INFO=<ID=RPA,Number=R,Type=Integer,Description="Number of times tandem repeat unit is repeated, for each allele (including reference)">
##INFO=<ID=RU,Number=1,Type=String,Description="Tandem repeat unit (bases)">
##INFO=<ID=SEQQ,Number=1,Type=Integer,Description="Phred-scaled quality that alt alleles are not sequencing errors">
##INFO=<ID=STR,Number=0,Type=Flag,Description="Variant is a short tandem repeat">
##INFO=<ID=STRANDQ,Number=1,Type=Integer,Description="Phred-scaled quality of strand bias artifact">
##INFO=<ID=STRQ,Number=1,Type=Integer,Description="Phred-scaled quality that alt alleles in STRs are not polymerase slippage errors">
##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of variant existing versus not existing">
##MutectVersion=2.2
##filtering_status=These calls have been filtered by FilterMutectCalls to label false positives with a list of failed filters and true positives with PASS.
"""

_FILTERS = [
    "weak_evidence",
    "germline",
    "normal_artifact",
    "strand_bias",
    "slippage",
    "clustered_events",
    "haplotype",
    "base_qual",
    "germline;normal_artifact",
    "clustered_events;haplotype",
    "weak_evidence;strand_bias",
]
_BASES = "ACGT"


def _split(total: int, frac: float, rnd: random.Random) -> tuple[int, int]:
    alt = max(0, min(total, int(round(total * frac + rnd.gauss(0, 1.5)))))
    return total - alt, alt


def _record(rnd: random.Random, chrom: str, pos: int) -> str:
    ref = rnd.choice(_BASES)
    kind = rnd.random()
    info_extra = ""
    if kind < 0.85:  # SNV
        alts = [rnd.choice([b for b in _BASES if b != ref])]
    elif kind < 0.97:  # indel (some in tandem repeats, with STR/RU/RPA like Mutect2)
        if rnd.random() < 0.5:
            ins = "".join(rnd.choice(_BASES) for _ in range(rnd.randint(1, 6)))
            alts = [ref + ins]
        else:
            ref = ref + "".join(rnd.choice(_BASES) for _ in range(rnd.randint(1, 8)))
            alts = [ref[0]]
        if rnd.random() < 0.3:
            unit = rnd.choice(["A", "T", "CA", "TG", "AAAG"])
            info_extra = f";RPA={rnd.randint(4, 12)},{rnd.randint(3, 11)};RU={unit};STR"
    else:  # multi-allelic
        others = [b for b in _BASES if b != ref]
        rnd.shuffle(others)
        alts = others[: rnd.choice([2, 2, 3])]
    n = len(alts)
    tdp = rnd.randint(20, 400)
    ndp = rnd.randint(15, 250)
    fracs = [rnd.uniform(0.02, 0.6) / n for _ in alts]
    t_ref = tdp
    t_alts = []
    for f in fracs:
        _, a = _split(tdp, f, rnd)
        t_alts.append(a)
        t_ref -= a
    t_ref = max(t_ref, 0)
    n_alts = [rnd.choice([0, 0, 0, 1]) for _ in alts]
    n_ref = max(ndp - sum(n_alts), 0)
    t_af = ",".join(f"{a / max(tdp, 1):.3f}" for a in t_alts)
    n_af = ",".join(f"{(a + 0.5) / (ndp + 1):.3f}" for a in n_alts)
    gt_t = "0/" + "/".join(str(i) for i in range(1, n + 1))
    gt_n = "0/0" if n == 1 else "0/0/0" if n == 2 else "0/0/0/0"

    def rlist(r: int, alts_: list[int]) -> str:
        return ",".join(str(x) for x in [r, *alts_])

    def half(x: int) -> int:
        return x // 2

    tumor = (
        f"{gt_t}:{rlist(t_ref, t_alts)}:{t_af}:{tdp}:"
        f"{rlist(half(t_ref), [half(a) for a in t_alts])}:"
        f"{rlist(t_ref - half(t_ref), [a - half(a) for a in t_alts])}:"
        f"{rlist(t_ref, t_alts)}:{half(t_ref)},{t_ref - half(t_ref)},"
        f"{half(sum(t_alts))},{sum(t_alts) - half(sum(t_alts))}"
    )
    normal = (
        f"{gt_n}:{rlist(n_ref, n_alts)}:{n_af}:{ndp}:"
        f"{rlist(half(n_ref), [half(a) for a in n_alts])}:"
        f"{rlist(n_ref - half(n_ref), [a - half(a) for a in n_alts])}:"
        f"{rlist(n_ref, n_alts)}:{half(n_ref)},{n_ref - half(n_ref)},0,0"
    )
    filt = "PASS" if rnd.random() < 0.7 else rnd.choice(_FILTERS)
    tlod = ",".join(f"{rnd.uniform(3, 400):.2f}" for _ in alts)
    status = ",".join("SITE" if filt == "PASS" else "weak_evidence" for _ in alts)
    info = (
        f"AS_FilterStatus={status};AS_SB_TABLE={half(t_ref)},{t_ref - half(t_ref)}|"
        + "|".join(f"{half(a)},{a - half(a)}" for a in t_alts)
        + f";DP={tdp + ndp};ECNT={rnd.randint(1, 4)};GERMQ={rnd.randint(1, 93)};"
        f"MBQ={','.join(str(rnd.randint(20, 40)) for _ in range(n + 1))};"
        f"MFRL={','.join(str(rnd.randint(150, 400)) for _ in range(n + 1))};"
        f"MMQ={','.join('60' for _ in range(n + 1))};"
        f"MPOS={','.join(str(rnd.randint(5, 50)) for _ in alts)};"
        f"NALOD={','.join(f'{rnd.uniform(-2, 3):.2f}' for _ in alts)};"
        f"NLOD={','.join(f'{rnd.uniform(2, 40):.2f}' for _ in alts)};"
        f"POPAF={','.join(f'{rnd.uniform(1, 7.3):.2f}' for _ in alts)};TLOD={tlod}" + info_extra
    )
    return (
        "\t".join(
            [
                chrom,
                str(pos),
                ".",
                ref,
                ",".join(alts),
                ".",
                filt,
                info,
                "GT:AD:AF:DP:F1R2:F2R1:FAD:SB",
                normal,
                tumor,
            ]
        )
        + "\n"
    )


def generate_mutect2_vcf(path: str, n_records: int, seed: int = 1) -> str:
    """Write ``n_records`` Mutect2-style tumor/normal records to ``path`` (bgzipped when it ends
    in .gz) and return the path. The same seed always gives the same file."""
    rnd = random.Random(seed)
    genome = sum(length for _, length in GRCH38)
    plain = path[:-3] if path.endswith(".gz") else path
    target = plain
    if path.endswith(".gz"):
        fd, target = tempfile.mkstemp(suffix=".vcf", dir=os.path.dirname(path) or ".")
        os.close(fd)
    with open(target, "w") as out:
        out.write(HEADER)
        for chrom, length in GRCH38:
            out.write(f"##contig=<ID={chrom},length={length},assembly=GRCh38>\n")
        out.write(
            "##normal_sample=NORMAL\n##reference=file:///refs/Homo_sapiens_assembly38.fasta\n"
            "##source=FilterMutectCalls\n##source=Mutect2\n##tumor_sample=TUMOR\n"
        )
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR\n")
        written = 0
        for i, (chrom, length) in enumerate(GRCH38):
            share = (n_records * length) // genome if i < len(GRCH38) - 1 else n_records - written
            share = min(share, n_records - written)
            if share <= 0:
                continue
            step = max(length // (share + 1), 2)
            pos = 10000
            last = length - 20  # room for the longest REF (9 bases) before the contig end
            for k in range(share):
                pos += rnd.randint(1, 2 * step - 1) if step > 2 else 1
                # leave one position for each record still to come, so positions never repeat
                # (clamping at the contig end used to emit the same record twice)
                pos = min(pos, last - (share - 1 - k))
                out.write(_record(rnd, chrom, pos))
            written += share
    if path.endswith(".gz"):
        import pysam

        pysam.tabix_compress(target, path, force=True)
        os.unlink(target)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate_mutect2_vcf(args.out, args.records, args.seed)
    print(args.out)


if __name__ == "__main__":
    main()
