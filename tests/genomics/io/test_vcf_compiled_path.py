# ruff: noqa: E501  (VCF header and record lines are written out whole)
"""The compiled fast path of the VCF reader (genomics/io/_vcfscan.c) reads what the Python reader
reads: the same calls, the same warnings and the same refusals, line for line.

The Python reader (``iter_variants(..., use_compiled=False)``) is the reference. The compiled path
takes ordinary bi-allelic records and hands every other line back to it, so each test compares the
two on files whose lines sit on both sides of that boundary.
"""

from __future__ import annotations

import random
from dataclasses import astuple
from pathlib import Path

import pytest

from genomics.io import vcf
from genomics.io.errors import InputError

MUTECT2_HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=germline,Description="germline">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=PGT,Number=1,Type=String,Description="Phasing haplotype">
##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phasing set">
##FORMAT=<ID=FA,Number=A,Type=Float,Description="Allele fraction (MuTect 1)">
##FORMAT=<ID=CH,Number=1,Type=Character,Description="A character">
##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2",Version="4.5.0.0">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##INFO=<ID=TLOD,Number=A,Type=Float,Description="Tumor LOD">
##INFO=<ID=STR,Number=0,Type=Flag,Description="Tandem repeat">
##INFO=<ID=RU,Number=1,Type=String,Description="Repeat unit">
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL">
##contig=<ID=chr1,length=248956422>
##contig=<ID=chr2,length=242193529>
##normal_sample=NORMAL
##tumor_sample=TUMOR
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR
"""

#: Records on both sides of the boundary: what the compiled path takes, and each kind of line it
#: must hand back (the comment says why).
EDGE_LINES = [
    "chr1\t100\t.\tA\tG\t.\tPASS\tDP=50;TLOD=12.5\tGT:AD:AF:DP\t0/0:30,0:0.03:30\t0/1:20,10:0.333:30",
    "chr1\t100\t.\tA\tG\t.\tPASS\tDP=50\tGT:AD:AF:DP\t0/0:30,0:0.03:30\t0/1:20,10:0.333:30",  # dup
    "chr1\t90\t.\tC\tT\t.\tPASS\tDP=5\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # unsorted
    "chr1\t200\trs1\tACGT\tA\t37.5\tgermline\tSTR;RU=CGT;TLOD=3\tGT:AD:AF:DP\t0/0:9,0:0:9\t0/1:5,4:0.44:9",
    "chr1\t300\t.\tAT\tGC\t1e3\tPASS\tDP=5\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # QUAL 1e3
    "chr1\t301\t.\tC\tT\tNaN\tPASS\tDP=5\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # QUAL NaN
    "chr1\t302\t.\tC\tT\thigh\tPASS\tDP=5\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # QUAL text
    "chr1\t303\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:1.5:3",  # AF above 1
    "chr1\t304\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1,4:0.5:3",  # AD 3 values
    "chr1\t305\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:.:.:.",  # all missing
    "chr1\t306\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1",  # trailing dropped
    "chr1\t307\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:0,0:.:0",  # no reads
    "chr1\t308\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:+2,1:0.5:3",  # a sign
    "chr1\t309\t.\tC\tT,G\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0,0:0,0:3\t0/1/2:2,1,1:0.25,0.25:4",
    "chr1\t310\t.\tC\t*\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # spanning deletion
    "chr1\t311\t.\tC\t.\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3:.:3\t0/0:3:.:3",  # reference only
    "chr1\t312\t.\tC\t<DEL>\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # symbolic
    "chr1\t313\t.\tc\tt\t.\tPASS\t.\tGT:AD:AF:DP\t0|0:3,0:0:3\t0|1:2,1:0.5:3",  # lower case
    "chr1\t314\t.\tC\tT\t.\tPASS\tCSQ=T|missense_variant|MODERATE|KRAS\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
    "chr1\t315\t.\tC\tT\t.\tPASS\tCSQ\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # CSQ flag
    "chr1\t316\t.\tC\tT\t.\tPASS\tRU=A;RU=AT;;TLOD\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
    "chr1\t317\t.\tC\tT\t.\tPASS\tRU=ü\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # not ASCII
    "chr1\t318\t.\tC\tT\t.\tnew_filter\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
    "chr1\t319\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP:PGT:PS\t0/0:3,0:0:3:0|1:319\t0/1:2,1:0.5:3:0|1:319",
    "chr1\t320\t.\tC\tT\t.\tPASS\t.\tGT:AD:FA:DP\t0/0:3,0:0.1,0.2:3\t0/1:2,1:0.4:3",  # FA
    "chr1\t321\t.\tC\tT\t.\tPASS\t.\tGT:AD:CH\t0/0:3,0:x\t0/1:2,1:y",  # Character FORMAT
    "chr1\t323\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t/0|1/:2,1:0.5:3",  # odd GT
    "chr1\t324\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP:XX\t0/0:3,0:0:3:1\t0/1:2,1:0.5:3:1",  # undefined
    "chr2\t50\t.\tG\tA\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # next contig
    "chr2\t51\t.\tG\tA\t.\tPASS\t"
    + "TLOD=1;" * 400
    + "DP=3\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
    "chr2\t53\t.\tGAAAC\tGAC\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # trimmed
    "chr2\t000054\t.\tG\tA\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",  # zeros
    # a POS of 19 digits (read in Python), then ordinary ones on the same contig
    "chr2\t9000000000000000000\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
    "chr2\t57\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
    "chr2\t58\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
]

#: Lines the Python reader refuses (an allele the record does not list, a value too many, a
#: sample column missing).
REFUSED_LINES = [
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/2:2,1:0.5:3",
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3:9\t0/1:2,1:0.5:3",
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3",
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:5,4:0.44:nine",
    # depths no sequencing run gives: 20 digits (beyond the compiled path) and 3 billion
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:99999999999999999999",
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3000000000\t0/1:2,1:0.5:3",
    # counts beyond 2**53 (where ALT/total in C would round twice), beyond any run as well
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:1,9007199254740993",
    "chr1\t400\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:9007199254740991,6",
    # a POS beyond what a 64-bit position holds
    "chr1\t9223372036854775808\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:3,0:0:3\t0/1:2,1:0.5:3",
]


STRELKA_HEADER = """##fileformat=VCFv4.1
##source=strelka
##source_version=2.9.10
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth for tier1">
##FORMAT=<ID=FDP,Number=1,Type=Integer,Description="Filtered basecalls">
##FORMAT=<ID=AU,Number=2,Type=Integer,Description="'A' alleles in tiers 1,2">
##FORMAT=<ID=CU,Number=2,Type=Integer,Description="'C' alleles in tiers 1,2">
##FORMAT=<ID=GU,Number=2,Type=Integer,Description="'G' alleles in tiers 1,2">
##FORMAT=<ID=TU,Number=2,Type=Integer,Description="'T' alleles in tiers 1,2">
##FORMAT=<ID=TAR,Number=2,Type=Integer,Description="Reads strongly supporting the reference">
##FORMAT=<ID=TIR,Number=2,Type=Integer,Description="Reads strongly supporting the indel">
##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic">
##INFO=<ID=IC,Number=1,Type=Integer,Description="Indel repeat count">
##contig=<ID=1,length=249250621>
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR
"""

#: Strelka2 SNV (AU/CU/GU/TU) and indel (TAR/TIR) records: tier-1 counts, DP missing or not.
STRELKA_LINES = [
    "1\t100\t.\tG\tA\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t36:0:0,0:0,0:36,36:0,0\t47:0:1,1:0,0:45,45:1,1",
    "1\t101\t.\tG\tA\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t36:0:0,0:0,0:36,36:0,0\t47:0:9,12:0,0:38,40:0,0",
    "1\t102\t.\tg\tt\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t36:0:0,0:0,0:36,36:0,0\t47:0:0,0:0,0:30,31:17,17",
    "1\t103\t.\tN\tA\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t36:0:0,0:0,0:36,36:0,0\t47:0:1,1:0,0:45,45:1,1",
    "1\t104\t.\tC\tT\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t.:0:0,0:0,0:0,0:0,0\t.:0:0,0:0,0:0,0:0,0",
    "1\t105\t.\tC\tT\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t5:0:0,0:.:0,0:0,0\t9:0:0,0:5,5:0,0:4,4",
    "1\t106\t.\tC\tT\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t5:0:0,0:5,5:0,0:0,0\t9:0:0,0:5,5:0,0:4,4",
    "1\t107\t.\tCA\tTG\t.\tPASS\tSOMATIC\tDP:FDP:AU:CU:GU:TU\t5:0:0,0:5,5:0,0:0,0\t9:0:0,0:5,5:0,0:4,4",
    "1\t200\t.\tG\tGT\t.\tPASS\tSOMATIC;IC=5\tDP:TAR:TIR\t28:25,25:0,0\t50:0,0:46,46",
    "1\t201\t.\tAT\tA\t.\tPASS\tSOMATIC;IC=2\tDP:TAR:TIR\t28:25,25:0,0\t50:20,21:26,27",
    "1\t202\t.\tAT\tA\t.\tPASS\tSOMATIC\tDP:TAR:TIR\t28:25,25:0,0\t50:0,0:0,0",
    "1\t203\t.\tAT\tA\t.\tPASS\tSOMATIC\tDP:TAR:TIR\t28:25,25:0,0\t.:20,21:26,27",
    "1\t204\t.\tAT\tA\t.\tPASS\tSOMATIC\tDP:TAR:TIR\t28:25,25:0,0\t50:20,21",
    "1\t205\t.\tAT\tA\t.\tPASS\tSOMATIC\tDP:TAR:TIR\t28:25,25:0,0\t50:9007199254740993,1:1,1",
]


def _caller_header(source: str, formats: str) -> str:
    """A tumor/normal header naming ``source`` with the FORMAT keys ``formats``
    ("ID:Type:Number ...")."""
    lines = ["##fileformat=VCFv4.2", f"##source={source}"]
    for item in formats.split():
        key, vtype, number = item.split(":")
        lines.append(f'##FORMAT=<ID={key},Number={number},Type={vtype},Description="{key}">')
    lines += [
        '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic">',
        "##contig=<ID=1,length=249250621>",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR",
    ]
    return "\n".join(lines) + "\n"


#: per caller: its header, and records whose values the compiled path reads or hands back
CALLER_LAYOUTS = {
    "varscan2": (
        _caller_header(
            "VarScan2", "GT:String:1 DP:Integer:1 RD:Integer:1 AD:Integer:1 FREQ:String:1"
        ),
        [
            "1\t100\t.\tA\tG\t.\tPASS\tSOMATIC\tGT:DP:RD:AD:FREQ\t0/0:60:60:0:0%\t0/1:91:56:35:38.46%",
            "1\t101\t.\tA\tG\t.\tPASS\tSOMATIC\tGT:DP:RD:AD:FREQ\t0/0:60:60:0:0%\t0/1:91:56:35:38.46%",
            "1\t102\t.\tA\tG\t.\tPASS\tSOMATIC\tGT:DP:RD:AD:FREQ\t0/0:60:60:0:0%\t0/1:.:56:35:38.46%",
            "1\t103\t.\tA\tG\t.\tPASS\tSOMATIC\tGT:DP:RD:AD:FREQ\t0/0:60:60:0:0%\t0/1:.:.:35:100%%",
            "1\t104\t.\tA\tG\t.\tPASS\tSOMATIC\tGT:DP:RD:AD:FREQ\t0/0:60:60:0:0%\t0/1:91:56:35:38.46%25",
            "1\t105\t.\tA\tG\t.\tPASS\tSOMATIC\tGT:DP:RD:AD:FREQ\t0/0:60:60:0:.\t0/1:91:56:35,1:1e1%",
            "1\t106\t.\tA\tG\t.\tPASS\tSOMATIC\tGT:DP:RD:AD:FREQ\t0/0:60:60:0:0%\t0/1:91:56",
        ],
    ),
    "freebayes": (
        _caller_header(
            "freeBayes v1.3.6", "GT:String:1 DP:Integer:1 AD:Integer:R RO:Integer:1 AO:Integer:A"
        ),
        [
            "1\t100\t.\tC\tT\t50\tPASS\t.\tGT:DP:AD:RO:AO\t0/0:40:40,0:40:0\t0/1:52:30,22:30:22",
            "1\t101\t.\tC\tT\t50\tPASS\t.\tGT:DP:AD:RO:AO\t0/0:40:40,0:40:0\t0/1:52:30,22:30:22",
            "1\t102\t.\tC\tT\t50.5\tPASS\t.\tGT:DP:AD:RO:AO\t0/0:40:40,0:40:0\t0/1:.:30,22:30:22",
            "1\t103\t.\tC\tT\t50\tPASS\t.\tGT:DP:AD:RO:AO\t0/0:40:40,0:40:0\t0/1:0:0,0:0:0",
            "1\t104\t.\tC\tT\t50\tPASS\t.\tGT:DP:AD:RO:AO\t0/0:40:40,0:40:0\t0/1:52:30,22:.:22",
            "1\t105\t.\tCAG\tTAC\t50\tPASS\t.\tGT:DP:AD:RO:AO\t0/0:40:40,0:40:0\t0/1:52:30,22:30:22",
        ],
    ),
    "somaticsniper": (
        _caller_header(
            "bam-somaticsniper", "GT:String:1 DP:Integer:1 BCOUNT:Integer:4 SS:Integer:1"
        ),
        [
            "1\t100\t.\tT\tG\t.\t.\t.\tGT:DP:BCOUNT:SS\t0/0:30:0,0,1,29:0\t0/1:44:0,0,22,22:2",
            "1\t101\t.\tT\tG\t.\t.\t.\tGT:DP:BCOUNT:SS\t0/0:30:0,0,1,29:0\t0/1:44:0,0,20,24:2",
            "1\t102\t.\tT\tg\t.\t.\t.\tGT:DP:BCOUNT:SS\t0/0:30:0,0,1,29:0\t0/1:0:0,0,10,30:2",
            "1\t103\t.\tT\tG\t.\t.\t.\tGT:DP:BCOUNT:SS\t0/0:30:0,0,1,29:0\t0/1:.:0,0,10,30:.",
            "1\t104\t.\tT\tG\t.\t.\t.\tGT:DP:BCOUNT:SS\t0/0:30:0,0,1,29:0\t0/1:44:0,0,22:2",
            "1\t105\t.\tT\tN\t.\t.\t.\tGT:DP:BCOUNT:SS\t0/0:30:0,0,1,29:0\t0/1:44:0,0,22,22:2",
            "1\t106\t.\tT\tG\t.\t.\t.\tGT:DP:BCOUNT:SS\t0/0:0:0,0,0,0:0\t0/1:0:0,0,0,0:2",
        ],
    ),
}


def read_both(path: Path, **kwargs) -> tuple[tuple, tuple]:
    """(calls, warnings, refusal) as the compiled and as the Python reader give them."""

    def read(compiled: bool) -> tuple:
        header = vcf.read_header(path, **kwargs)
        calls, refusal = [], None
        try:
            for call in vcf.iter_variants(path, header, use_compiled=compiled):
                calls.append(repr(astuple(call)))  # repr: NaN QUAL compares equal
        except InputError as error:
            refusal = str(error)
        return calls, header.warnings, refusal

    return read(True), read(False)


def lines_taken(path: Path) -> int:
    """How many lines of ``path`` the compiled path took."""
    taken = 0
    real = vcf.Scanner

    class Counting:
        def __init__(self, **kwargs):
            self.scanner = real(**kwargs)

        def add_format(self, *args):
            return self.scanner.add_format(*args)

        def scan(self, *args):
            nonlocal taken
            call = self.scanner.scan(*args)
            taken += call is not None
            return call

    vcf.Scanner = Counting
    try:
        header = vcf.read_header(path)
        for _ in vcf.iter_variants(path, header):
            pass
    except InputError:
        pass
    finally:
        vcf.Scanner = real
    return taken


def test_the_compiled_path_is_built():
    # make install builds it (setup.py); without it every line would be read in Python
    assert vcf.Scanner is not None


def test_edge_lines_read_the_same_and_the_ordinary_ones_are_taken(tmp_path):
    path = tmp_path / "edges.vcf"
    path.write_text(MUTECT2_HEADER + "\n".join(EDGE_LINES) + "\n", encoding="utf-8")
    compiled, python = read_both(path)
    assert compiled == python
    calls, warnings, refusal = python
    assert refusal is None and len(calls) == 34
    assert any("outside 0..1" in w for w in warnings)
    assert any("duplicate record" in w for w in warnings)
    # taken: 306 (trailing values dropped), 313 (lower case), 314-316 (CSQ, flags, repeated
    # keys), 323, and on chr2 the long INFO, the deletion, POS 000054 and 58; every other line
    # is the first of its contig or FORMAT, follows a line it must compare with, would warn, or
    # holds counts beyond 2**53
    assert lines_taken(path) == 10


def test_strelka_tier_counts_read_the_same_and_are_taken(tmp_path):
    path = tmp_path / "strelka.vcf"
    path.write_text(STRELKA_HEADER + "\n".join(STRELKA_LINES) + "\n", encoding="utf-8")
    compiled, python = read_both(path)
    assert compiled == python
    header = vcf.read_header(path)
    calls = {call.pos: call for call in vcf.iter_variants(path, header)}
    # TUMOR 47:0:9,12:0,0:38,40:0,0  G>A: tier-1 AU 9 / (GU 38 + AU 9), DP 47
    assert (calls[101].vaf, calls[101].depth, calls[101].alt_count) == (9 / 47, 47, 9)
    # TUMOR 50:20,21:26,27  AT>A: TIR 26 / (TAR 20 + TIR 26), DP 50
    assert (calls[201].vaf, calls[201].depth, calls[201].alt_count) == (26 / 46, 50, 26)
    assert (calls[202].vaf, calls[202].depth, calls[202].alt_count) == (None, 50, 0)
    # taken: 101, 102, 104 and 106 (SNVs), 201 to 203 (indels); not the first line of each
    # FORMAT, the N base, a missing tier count, the two-base change or a dropped TIR
    assert lines_taken(path) == 7


@pytest.mark.parametrize("caller", sorted(CALLER_LAYOUTS))
def test_varscan_freebayes_and_sniper_records_read_the_same_and_are_taken(tmp_path, caller):
    header, lines = CALLER_LAYOUTS[caller]
    path = tmp_path / f"{caller}.vcf"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    compiled, python = read_both(path)
    assert compiled == python
    calls = {call.pos: call for call in vcf.iter_variants(path, vcf.read_header(path))}
    got = {pos: (c.vaf, c.depth, c.alt_count) for pos, c in calls.items()}
    if caller == "varscan2":
        # TUMOR 91:56:35:38.46%  FREQ 38.46 % -> 0.3846, DP 91, AD 35 (the ALT reads alone)
        assert got[101] == (38.46 / 100, 91, 35)
        assert got[102] == (38.46 / 100, 56 + 35, 35)  # no DP: RD 56 + AD 35
        assert got[103] == (1.0, None, 35)  # '100%%'; neither DP nor RD
    elif caller == "freebayes":
        # TUMOR 52:30,22:30:22  AO 22 / (RO 30 + AO 22), DP 52
        assert got[101] == (22 / 52, 52, 22)
        assert got[102] == (22 / 52, 52, 22)  # no DP: RO + AO
        assert got[103] == (None, 0, 0)
    else:
        # TUMOR 44:0,0,20,24  T>G: BCOUNT G 20 / DP 44
        assert got[101] == (20 / 44, 44, 20)
        assert got[102] == (10 / 40, 0, 10)  # DP 0: the BCOUNT sum, 40
        assert got[103] == (10 / 40, None, 10)
    # all but the first line and those that hand back: VarScan's '%25', a FREQ in exponent
    # form and a dropped FREQ; FreeBayes' RO '.'; SomaticSniper's three counts and ALT N
    assert lines_taken(path) == {"varscan2": 3, "freebayes": 4, "somaticsniper": 4}[caller]


@pytest.mark.parametrize("refused", REFUSED_LINES)
def test_a_refused_line_is_refused_the_same_way_after_taken_lines(tmp_path, refused):
    good = [f"chr1\t{100 + i}\t.\tA\tG\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:9,0:0:9\t0/1:5,4:0.44:9"
            for i in range(50)]  # fmt: skip
    path = tmp_path / "bad.vcf"
    path.write_text(MUTECT2_HEADER + "\n".join([*good, refused]) + "\n", encoding="utf-8")
    compiled, python = read_both(path)
    assert compiled == python
    calls, _warnings, refusal = python
    assert len(calls) == 50
    assert refusal is not None and "line 73" in refusal
    assert lines_taken(path) == 49  # all but the first line of the contig


@pytest.mark.parametrize("layout", ["mutect2", "strelka", *sorted(CALLER_LAYOUTS)])
@pytest.mark.parametrize("seed", range(4))
def test_randomly_damaged_records_read_the_same(tmp_path, seed, layout):
    """Characters of real-looking records replaced, deleted or doubled at random: whatever the
    Python reader makes of each file (calls, warnings or a refusal), the compiled path agrees."""
    rng = random.Random(seed)
    alphabet = "ACGTN.,:;=|/\t0123456789-+eE*<>[]#ü x"
    if layout == "mutect2":
        header = MUTECT2_HEADER
        base = [line for line in EDGE_LINES + REFUSED_LINES if "TLOD=1;" not in line]
    elif layout == "strelka":
        header, base = STRELKA_HEADER, STRELKA_LINES
    else:
        header, base = CALLER_LAYOUTS[layout]
    for attempt in range(40):
        lines = []
        for i in range(30):
            cols = rng.choice(base).split("\t")
            cols[1] = str(1000 + i)  # sorted, so that the compiled path takes what it can
            line = list("\t".join(cols))
            for _ in range(rng.randint(0, 2)):
                at = rng.randrange(len(line))
                action = rng.random()
                if action < 0.5:
                    line[at] = rng.choice(alphabet)
                elif action < 0.75:
                    del line[at]
                else:
                    line.insert(at, line[at])
            lines.append("".join(line))
        path = tmp_path / f"damaged_{seed}_{attempt}.vcf"
        path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        compiled, python = read_both(path)
        assert compiled == python, path.read_text().splitlines()[-30:]


def _vcf_files(*roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            name = path.name
            if path.is_file() and (".vcf" in name or name.endswith(".bcf")):
                if not name.endswith((".tbi", ".csi", ".md", ".tsv")):
                    found.append(path)
    return found


def test_every_vcf_of_the_test_data_reads_the_same(test_data, shared_data):
    files = _vcf_files(test_data, shared_data)
    assert len(files) > 1000  # the callers' examples and the malformed corpus
    taken = 0
    for path in files:
        try:
            compiled, python = read_both(path)
        except InputError:  # the header is refused before any line is read
            continue
        assert compiled == python, path
    for name in (
        "vcf/somaticseq_paired_MuTect2.tiny_ref.vcf.gz",
        "vcf/varcode_mutect1_example.hg19.vcf",
        "vcf/somaticseq_paired_VarDict.tiny_ref.vcf.gz",
        "vcf/hmf_orange_COLO829.purple.germline.sage.grch37.vcf",
        "vcf/somaticseq_paired_Strelka.snv.tiny_ref.vcf.gz",
        "vcf/somaticseq_paired_Strelka.indel.tiny_ref.vcf.gz",
        "vcf/somaticseq_paired_SomaticSniper.tiny_ref.vcf.gz",
        "vcf/vcf2maf_test_varscan2_somatic.grch37.vcf",
    ):
        taken += lines_taken(shared_data / name)
    assert taken > 6000  # the fast path was really exercised on real callers' output
