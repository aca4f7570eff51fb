"""Fusion readers: Arriba, STAR-Fusion, Isofox, PCGR tables and SV VCF breakends. No Django.

In: a path (plain or gzip) and, for VCFs, the case's assembly (and optionally a gene table).
Out: :class:`FusionResult`, one :class:`FusionCall` per fusion record; a VCF breakend pair
(linked by MATEID) gives at most one fusion.

Breakends become gene fusions in one of two ways:

* gene INFO fields when the VCF has them (``GENEA``/``GENEB`` of the RNA fusion VCFs made by
  fusion-report/Balsamic): GENEA is the 5' gene, GENEB the 3' gene;
* otherwise the genes overlapping both breakends are looked up (genomics/io/genes.py) and the
  junction's orientation decides which is 5': a breakend keeping the sequence on its left (``t[p[``,
  ``t]p]``) keeps the 5' part of a plus-strand gene and the 3' part of a minus-strand gene. A
  pair is a fusion when one side keeps a gene's 5' part and the other side another gene's
  3' part. Intragenic junctions and single breakends (no partner position) give no fusion and
  are counted in the warnings.

``reads`` is the caller's supporting read count (Arriba split reads + discordant mates,
STAR-Fusion junction + spanning fragments, for VCFs the highest alt-supporting count of any
sample: VF, DV+RV, or PR+SR alt values). ``confidence`` is Arriba's confidence or, for VCFs,
the FILTER value (filtered records are kept and marked).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from genomics.io._text import TextLines, display_name, parse_float, table_rows
from genomics.io._vcftext import VcfRecord, bnd_mate, first_int, is_single_breakend, read_vcf
from genomics.io.detect import FUSION_FORMATS, Layout, require_family, sniff
from genomics.io.errors import InputError
from genomics.io.genes import Gene, GeneSpans, assembly_from_contigs, normalize_assembly
from genomics.io.sniff import MAX_READ_COUNT

_ARRIBA_DISTANCE = re.compile(r"\(\d+\)$")


@dataclass(frozen=True)
class FusionCall:
    """One gene fusion: 5' gene, 3' gene and the breakpoints as ``chrom:pos``."""

    gene5: str
    gene3: str
    breakpoint5: str
    breakpoint3: str
    reads: int | None
    caller: str
    confidence: str | None
    reading_frame: str | None = None


@dataclass
class FusionResult:
    format: str
    caller: str
    fusions: list[FusionCall]
    warnings: list[str] = field(default_factory=list)
    records: int = 0


def read_fusions(
    path: str | os.PathLike[str],
    *,
    filename: str | None = None,
    assembly: str = "GRCh38",
    gene_table: str | os.PathLike[str] | None = None,
) -> FusionResult:
    """Read fusion calls from any supported layout; InputError for anything refused.

    ``assembly`` (the case's) is used to look genes up at VCF breakends; a VCF whose contig
    lengths name the other assembly is refused. ``gene_table`` replaces the bundled genes.
    """
    name = display_name(path, filename)
    layout = sniff(path, filename=filename)
    require_family(layout, FUSION_FORMATS, what="fusion", name=name)
    if layout.format == "sv_vcf":
        return _read_vcf(path, filename, name, normalize_assembly(assembly), gene_table)
    return _read_table(path, filename, name, layout)


def _breakpoint(text: str) -> str:
    """``chr19:38632678:+`` -> ``chr19:38632678``; ``22:23632600`` unchanged."""
    parts = text.split(":")
    if len(parts) >= 3 and parts[-1] in {"+", "-", "."}:
        return ":".join(parts[:-1])
    return text


def _arriba_gene(text: str) -> str:
    """``BCR`` stays; intergenic ``ENSG00000200891(21548),MED6P1(31892)`` -> ``ENSG..,MED6P1``."""
    return ",".join(_ARRIBA_DISTANCE.sub("", part) for part in text.split(","))


def _read_table(
    path: str | os.PathLike[str], filename: str | None, name: str, layout: Layout
) -> FusionResult:
    columns = [column.lower() for column in layout.columns]
    index = {column: position for position, column in enumerate(columns)}
    fmt = layout.format
    caller = {
        "arriba": "Arriba",
        "star_fusion": "STAR-Fusion",
        "isofox_fusions": "Isofox",
        "pcgr_fusions": "PCGR table",
    }[fmt]
    if fmt == "star_fusion" and "est_j" not in index:
        caller = "STAR-Fusion (2016 layout)"
    fusions: list[FusionCall] = []
    records = 0
    warnings: list[str] = []

    def count(fields: list[str], *names: str, line: int) -> int | None:
        total = None
        for column in names:
            if column in index and fields[index[column]] not in {"", ".", "NA"}:
                value = parse_float(
                    fields[index[column]],
                    column=layout.columns[index[column]],
                    name=name,
                    line=line,
                )
                if value is not None:
                    total = (total or 0) + int(round(value))
        return _checked_reads(total, name, line)

    for number, fields in table_rows(path, filename=filename, layout=layout, comments=("#",)):
        records += 1
        if fmt == "arriba":
            reads = count(
                fields,
                "split_reads1",
                "split_reads2",
                "discordant_mates",
                "split_reads",
                line=number,
            )
            fusions.append(
                FusionCall(
                    _arriba_gene(fields[index["gene1"]]),
                    _arriba_gene(fields[index["gene2"]]),
                    fields[index["breakpoint1"]],
                    fields[index["breakpoint2"]],
                    reads,
                    caller,
                    fields[index["confidence"]] if "confidence" in index else None,
                    _optional(fields, index, "reading_frame"),
                )
            )
        elif fmt == "star_fusion":
            gene5, _, gene3 = fields[index["fusionname"]].partition("--")
            if "leftgene" in index:
                gene5 = fields[index["leftgene"]].split("^")[0]
                gene3 = fields[index["rightgene"]].split("^")[0]
            reads = count(fields, "junctionreadcount", "spanningfragcount", line=number)
            fusions.append(
                FusionCall(
                    gene5,
                    gene3,
                    _breakpoint(fields[index["leftbreakpoint"]]),
                    _breakpoint(fields[index["rightbreakpoint"]]),
                    reads,
                    caller,
                    None,
                    _optional(fields, index, "prot_fusion_type"),
                )
            )
        elif fmt == "isofox_fusions":
            reads = count(fields, "totalfragments", line=number)
            valid = _optional(fields, index, "filter")
            fusions.append(
                FusionCall(
                    fields[index["genenameup"]],
                    fields[index["genenamedown"]],
                    f"{fields[index['chrup']]}:{fields[index['posup']]}",
                    f"{fields[index['chrdown']]}:{fields[index['posdown']]}",
                    reads,
                    caller,
                    valid,
                )
            )
        else:  # pcgr_fusions
            gene5, _, gene3 = fields[index["fusiongene"]].partition("--")
            reads = count(fields, "splitreads", line=number)
            fusions.append(
                FusionCall(
                    gene5,
                    gene3,
                    fields[index["leftbreakpoint"]],
                    fields[index["rightbreakpoint"]],
                    reads,
                    caller,
                    None,
                )
            )
    if not records:
        warnings.append("the file has a header but no fusion records")
    return FusionResult(fmt, caller, fusions, warnings, records)


def _optional(fields: list[str], index: dict[str, int], column: str) -> str | None:
    if column not in index:
        return None
    value = fields[index[column]]
    return None if value in {"", ".", "NA"} else value


@dataclass(frozen=True)
class _End:
    chrom: str
    pos: int
    keeps: str  # "left" | "right"


def _vcf_caller(sources: list[str], record_ids: str, info: dict[str, str]) -> str:
    text = " ".join(sources).lower()
    if "esvee" in text:
        return "ESVEE"
    if "gridss" in text:
        return "GRIDSS"
    if "generatesvcandidates" in text or "manta" in text or record_ids.startswith("Manta"):
        return "Manta"
    if "delly" in text or info.get("SVMETHOD", "").upper().startswith("EMBL.DELLY"):
        return "DELLY"
    if "FOUND_IN" in info:
        return "fusion-report"
    return sources[0] if sources else "SV VCF"


def _checked_reads(reads: int | None, name: str, line: int) -> int | None:
    """A supporting read count as given, refused when no sequencing run could give it."""
    if reads is not None and not 0 <= reads <= MAX_READ_COUNT:
        raise InputError(
            f"the supporting read count {reads:,} is not a count of reads "
            f"(0 to {MAX_READ_COUNT:,})",
            filename=name,
            line=line,
        )
    return reads


def _support(record: VcfRecord, name: str) -> int | None:
    """Highest alt-supporting read count of any sample, else from INFO."""
    return _checked_reads(_support_reads(record), name, record.line)


def _support_reads(record: VcfRecord) -> int | None:
    best: int | None = None
    for sample in range(len(record.samples)):
        value: int | None = None
        vf = first_int(record.sample_value(sample, "VF"))
        if vf is not None:
            value = vf
        else:
            pairs = [first_int(record.sample_value(sample, key)) for key in ("DV", "RV")]
            if any(p is not None for p in pairs):
                value = sum(p or 0 for p in pairs)
            else:
                alts = []
                for key in ("PR", "SR"):
                    raw = record.sample_value(sample, key)
                    if raw and "," in raw:
                        alts.append(first_int(raw.split(",")[1]))
                if any(a is not None for a in alts):
                    value = sum(a or 0 for a in alts)
        if value is not None and (best is None or value > best):
            best = value
    if best is not None:
        return best
    if "VF" in record.info:
        return first_int(record.info["VF"])
    parts = [first_int(record.info.get(key)) for key in ("PE", "SR")]
    if any(p is not None for p in parts):
        return sum(p or 0 for p in parts)
    for key in ("SU", "SUPPORT", "RE"):
        if key in record.info:
            return first_int(record.info[key])
    return None


def _junctions(record: VcfRecord) -> list[tuple[_End, _End]]:
    """The junction(s) a record describes, as (this end, other end) with the kept sides."""
    mate = bnd_mate(record.alt)
    if mate:
        chrom, pos, here, there = mate
        return [(_End(record.chrom, record.pos, here), _End(chrom, pos, there))]
    svtype = record.svtype
    end = first_int(record.info.get("END"))
    chrom2 = record.info.get("CHR2", record.chrom)
    if end is None:
        return []
    connection = record.info.get("CT", "")
    sides = {
        "3to5": ("left", "right"),
        "5to3": ("right", "left"),
        "3to3": ("left", "left"),
        "5to5": ("right", "right"),
    }
    if connection in sides:
        here, there = sides[connection]
        return [(_End(record.chrom, record.pos, here), _End(chrom2, end, there))]
    if svtype == "DEL":
        return [(_End(record.chrom, record.pos, "left"), _End(chrom2, end, "right"))]
    if svtype == "DUP":
        return [(_End(record.chrom, record.pos, "right"), _End(chrom2, end, "left"))]
    if svtype == "INV":
        if "INV3" in record.info:
            return [(_End(record.chrom, record.pos, "left"), _End(chrom2, end, "left"))]
        if "INV5" in record.info:
            return [(_End(record.chrom, record.pos, "right"), _End(chrom2, end, "right"))]
        return [
            (_End(record.chrom, record.pos, "left"), _End(chrom2, end, "left")),
            (_End(record.chrom, record.pos, "right"), _End(chrom2, end, "right")),
        ]
    return []


def _keeps_five_prime(gene: Gene, end: _End) -> bool | None:
    if gene.strand not in {"+", "-"}:
        return None
    return (gene.strand == "+") == (end.keeps == "left")


def _gene_pair(first: _End, second: _End, spans: GeneSpans) -> tuple[Gene, Gene, _End, _End] | str:
    """(5' gene, 3' gene, 5' end, 3' end), or the reason there is no fusion."""
    genes_a = spans.overlapping(first.chrom, first.pos, first.pos)
    genes_b = spans.overlapping(second.chrom, second.pos, second.pos)
    if not genes_a or not genes_b:
        return "a breakend outside any known gene"
    reason = "intragenic junction"
    for gene_a in genes_a:
        for gene_b in genes_b:
            if gene_a.name == gene_b.name:
                continue
            five_a = _keeps_five_prime(gene_a, first)
            five_b = _keeps_five_prime(gene_b, second)
            if five_a is None or five_b is None:
                return gene_a, gene_b, first, second
            if five_a and not five_b:
                return gene_a, gene_b, first, second
            if five_b and not five_a:
                return gene_b, gene_a, second, first
            reason = "genes joined in an orientation that makes no fusion transcript"
    return reason


def _read_vcf(
    path: str | os.PathLike[str],
    filename: str | None,
    name: str,
    assembly: str,
    gene_table: str | os.PathLike[str] | None,
) -> FusionResult:
    fusions: list[FusionCall] = []
    skipped: dict[str, int] = {}
    handled_mates: set[str] = set()
    records = 0
    spans: GeneSpans | None = None
    caller = "SV VCF"
    with TextLines(path, filename=filename) as lines:
        header, iterator = read_vcf(lines)
        found = assembly_from_contigs(header.contigs)
        if found and found != assembly:
            raise InputError(
                f"the ##contig lengths are those of {found}, but the case is {assembly}",
                filename=name,
            )
        for record in iterator:
            records += 1
            if records == 1:
                caller = _vcf_caller(header.sources, record.id, record.info)
            if record.id != "." and record.id in handled_mates:
                continue  # the mate of a breakend already turned into a fusion
            mate_id = record.info.get("MATEID")
            if mate_id:
                handled_mates.update(mate_id.split(","))
            if is_single_breakend(record.alt) or record.svtype == "SGL":
                skipped["single breakend without a partner position"] = (
                    skipped.get("single breakend without a partner position", 0) + 1
                )
                continue
            junctions = _junctions(record)
            if not junctions:
                continue  # insertions, small variants in an SV file, ...
            confidence = record.filter if record.filter not in {"", "."} else None
            call_caller = record.info.get("FOUND_IN", caller) or caller
            frame = record.info.get("FRAME_STATUS")
            frame = None if frame in {None, "", "nan"} else frame
            if "GENEA" in record.info and "GENEB" in record.info:
                first, second = junctions[0]
                fusions.append(
                    FusionCall(
                        record.info["GENEA"],
                        record.info["GENEB"],
                        f"{first.chrom}:{first.pos}",
                        f"{second.chrom}:{second.pos}",
                        _support(record, name),
                        call_caller,
                        confidence,
                        frame,
                    )
                )
                continue
            if spans is None:
                spans = GeneSpans.load(assembly, gene_table)
            outcome: tuple[Gene, Gene, _End, _End] | str = "no junction"
            for first, second in junctions:
                outcome = _gene_pair(first, second, spans)
                if not isinstance(outcome, str):
                    break
            if isinstance(outcome, str):
                skipped[outcome] = skipped.get(outcome, 0) + 1
                continue
            gene5, gene3, end5, end3 = outcome
            fusions.append(
                FusionCall(
                    gene5.name,
                    gene3.name,
                    f"{end5.chrom}:{end5.pos}",
                    f"{end3.chrom}:{end3.pos}",
                    _support(record, name),
                    call_caller,
                    confidence,
                    frame,
                )
            )
    warnings = [
        f"{count} breakend record(s) gave no gene fusion: {reason}"
        for reason, count in sorted(skipped.items())
    ]
    if spans is not None and spans.coverage_warning():
        warnings.append(spans.coverage_warning())
    return FusionResult("sv_vcf", caller, fusions, warnings, records)
