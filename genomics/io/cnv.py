"""Copy-number readers: segments from CNVkit, PURPLE, ASCAT, PCGR, log2 .seg files and CNV VCFs,
turned into gene-level calls. No Django.

In: a path (plain or gzip), the case's assembly, optional purity and ploidy.
Out: :class:`CopyNumberResult` with one :class:`GeneCopyNumber` per gene that is not neutral.

The calling rule (quoted in docs/copy-number-rule.md and the README)
--------------------------------------------------------------------
1. Every segment gets an absolute tumor copy number ``CN``:

   * taken as is when the file states it (PURPLE ``copyNumber``, PURPLE gene ``minCopyNumber``,
     ASCAT/PCGR ``nMajor + nMinor``, CNVkit ``cn`` of ``.call.cns``, VCF ``FORMAT/CN`` or
     ``INFO/CN``); these callers already corrected for purity, so purity is not applied again;
   * otherwise converted from the log2 ratio (CNVkit ``log2``, ``.seg`` means, VCF
     ``FOLD_CHANGE_LOG``) with purity ``p`` and ploidy ``P``, assuming a diploid normal
     admixture and a log2 ratio centred on the sample's average::

         CN = (2**log2 * (p*P + 2*(1 - p)) - 2*(1 - p)) / p        (clamped at 0)

     Without a purity the tumor is taken as pure (``p = 1``, so ``CN = P * 2**log2``) and a
     warning says that losses in an impure sample are then under-called.
   * ``P`` is the ploidy given by the user, else 2 (with a warning).

2. A gene takes the lowest copy number of all segments overlapping it (a gene is only as
   amplified as its least amplified part; a partial deletion counts). Genes come from the
   segment's own gene list (CNVkit ``gene`` column, PURPLE gene table) or else from the gene
   table of the assembly (genomics/io/genes.py).

3. The gene's call, with thresholds relative to the ploidy ``P``:

   =================  =========================
   deep_deletion      CN < 0.5
   loss               0.5 <= CN < P - 0.5
   (neutral, no call) P - 0.5 <= CN <= P + 0.5
   gain               P + 0.5 < CN < 2.5 * P
   amplification      CN >= 2.5 * P
   =================  =========================

   For a diploid tumor: deep deletion 0 copies, loss 1, neutral 2, gain 3-4, amplification
   5 or more. Sex chromosomes are treated like autosomes (a male X at one copy is a loss).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from genomics.io._text import (
    TextLines,
    checked_gene,
    display_name,
    parse_float,
    parse_int,
    table_rows,
)
from genomics.io._vcftext import read_vcf
from genomics.io.detect import COPY_NUMBER_FORMATS, Layout, require_family, sniff
from genomics.io.errors import InputError
from genomics.io.genes import GeneSpans, assembly_from_contigs, normalize_assembly

AMPLIFICATION = "amplification"
GAIN = "gain"
LOSS = "loss"
DEEP_DELETION = "deep_deletion"
CALLS = (AMPLIFICATION, GAIN, LOSS, DEEP_DELETION)

DEEP_DELETION_BELOW = 0.5
NEUTRAL_MARGIN = 0.5
AMPLIFICATION_FACTOR = 2.5
DEFAULT_PLOIDY = 2.0
_NO_GENE = {"", "-", ".", "antitarget", "background"}
_CALLERS = {
    "cnvkit_cns": "CNVkit",
    "purple_cnv": "PURPLE",
    "purple_gene_cnv": "PURPLE",
    "ascat_segments": "ASCAT",
    "pcgr_cna": "PCGR",
    "log2_segments": "segmentation (log2)",
    "cnv_vcf": "CNV VCF",
}


@dataclass(frozen=True)
class GeneCopyNumber:
    """One gene-level call; ``segment`` is ``chrom:start-end`` (1-based, inclusive)."""

    gene: str
    call: str  # "amplification" | "gain" | "loss" | "deep_deletion"
    copy_number: float | None
    log2: float | None
    segment: str


@dataclass
class CopyNumberResult:
    format: str
    caller: str
    segments: int
    calls: list[GeneCopyNumber]
    warnings: list[str] = field(default_factory=list)
    purity: float | None = None
    ploidy: float | None = None


@dataclass(frozen=True)
class _Segment:
    chrom: str
    start: int  # 1-based, inclusive
    end: int
    copy_number: float | None
    log2: float | None
    genes: tuple[str, ...] | None  # None: look the genes up in the gene table


def call_for(copy_number: float, ploidy: float) -> str | None:
    """The call for an absolute copy number at the given ploidy (None when neutral)."""
    if copy_number < DEEP_DELETION_BELOW:
        return DEEP_DELETION
    if copy_number < ploidy - NEUTRAL_MARGIN:
        return LOSS
    if copy_number >= AMPLIFICATION_FACTOR * ploidy:
        return AMPLIFICATION
    if copy_number > ploidy + NEUTRAL_MARGIN:
        return GAIN
    return None


def copy_number_from_log2(log2: float, *, purity: float | None, ploidy: float) -> float:
    """Absolute tumor copy number from a log2 ratio (see the module docstring, step 1)."""
    p = 1.0 if purity is None else purity
    normal = 2.0 * (1.0 - p)
    value = (2.0**log2 * (p * ploidy + normal) - normal) / p
    return max(0.0, value)


def read_copy_number(
    path: str | os.PathLike[str],
    *,
    filename: str | None = None,
    assembly: str = "GRCh38",
    purity: float | None = None,
    ploidy: float | None = None,
    gene_table: str | os.PathLike[str] | None = None,
) -> CopyNumberResult:
    """Read a copy-number file and call genes; InputError for anything refused.

    ``assembly`` is the case's assembly (a VCF whose contig lengths say otherwise is refused);
    ``gene_table`` replaces the bundled gene coordinates (see GeneSpans.load).
    """
    name = display_name(path, filename)
    if purity is not None and not 0.0 < purity <= 1.0:
        raise InputError(f"purity {purity} is outside 0-1 (exclusive of 0)", filename=name)
    if ploidy is not None and not 0.5 <= ploidy <= 10.0:
        raise InputError(f"ploidy {ploidy} is outside 0.5-10", filename=name)
    assembly = normalize_assembly(assembly)
    layout = sniff(path, filename=filename)
    require_family(layout, COPY_NUMBER_FORMATS, what="copy number", name=name)
    warnings: list[str] = []
    used_ploidy = ploidy if ploidy is not None else DEFAULT_PLOIDY
    if ploidy is None:
        warnings.append("ploidy not given; thresholds assume a diploid tumor (ploidy 2)")
    caller = _CALLERS[layout.format]
    state = _ReadState(name=name, purity=purity, ploidy=used_ploidy)
    if layout.format == "cnv_vcf":
        segments, caller = _vcf_segments(path, filename, name, assembly, state)
    else:
        segments = _table_segments(path, filename, layout, state)
    spans: GeneSpans | None = None
    best: dict[str, tuple[float, float | None, str, str, int]] = {}
    count = 0
    for segment in segments:
        count += 1
        if segment.copy_number is None:
            continue
        label = f"{segment.chrom}:{segment.start}-{segment.end}"
        genes = segment.genes
        if genes is None:
            if spans is None:
                spans = GeneSpans.load(assembly, gene_table)
            genes = tuple(
                gene.name for gene in spans.overlapping(segment.chrom, segment.start, segment.end)
            )
        for gene in genes:
            known = best.get(gene)
            if known is None or segment.copy_number < known[0]:
                best[gene] = (
                    segment.copy_number,
                    segment.log2,
                    label,
                    segment.chrom,
                    segment.start,
                )
    if state.log2_used and purity is None:
        warnings.append(
            "purity not given: log2 ratios were converted as if the tumor were "
            "pure; losses and deep deletions are under-called in impure samples"
        )
    if purity is not None and state.absolute_used and not state.log2_used:
        warnings.append(
            "the copy numbers in this file are absolute (already corrected for "
            "purity by the caller); the given purity was not applied again"
        )
    warnings.extend(state.warnings())
    if spans is not None and spans.coverage_warning():
        warnings.append(spans.coverage_warning())
    calls = []
    for gene, (copy_number, log2, label, _chrom, _start) in sorted(
        best.items(), key=lambda item: (_chrom_order(item[1][3]), item[1][4], item[0])
    ):
        call = call_for(copy_number, used_ploidy)
        if call:
            calls.append(
                GeneCopyNumber(
                    gene,
                    call,
                    round(copy_number, 2),
                    None if log2 is None else round(log2, 4),
                    label,
                )
            )
    return CopyNumberResult(layout.format, caller, count, calls, warnings, purity, used_ploidy)


def _chrom_order(chrom: str) -> tuple[int, str]:
    name = chrom.removeprefix("chr")
    return (int(name), "") if name.isdigit() else (100, name)


@dataclass
class _ReadState:
    name: str
    purity: float | None
    ploidy: float
    log2_used: bool = False
    absolute_used: bool = False
    inverted: int = 0
    skipped_records: int = 0
    skipped_reason: dict[str, int] = field(default_factory=dict)

    def from_log2(self, log2: float) -> float:
        self.log2_used = True
        return copy_number_from_log2(log2, purity=self.purity, ploidy=self.ploidy)

    def skip(self, reason: str) -> None:
        self.skipped_reason[reason] = self.skipped_reason.get(reason, 0) + 1

    def warnings(self) -> list[str]:
        notes = []
        if self.inverted:
            notes.append(f"{self.inverted} segment(s) with an end before the start were skipped")
        for reason, count in self.skipped_reason.items():
            notes.append(f"{count} record(s) skipped: {reason}")
        return notes


def _table_segments(
    path: str | os.PathLike[str], filename: str | None, layout: Layout, state: _ReadState
) -> Iterator[_Segment]:
    name = state.name
    columns = [column.lower() for column in layout.columns]
    index = {column: position for position, column in enumerate(columns)}

    def col(*names: str) -> int | None:
        return next((index[n] for n in names if n in index), None)

    fmt = layout.format
    chrom_col = col("chromosome", "chrom", "chr", "contig")
    start_col = col("start", "startpos", "loc.start")
    end_col = col("end", "endpos", "loc.end")
    assert chrom_col is not None and start_col is not None and end_col is not None
    zero_based = fmt == "cnvkit_cns"
    for number, fields in table_rows(path, filename=filename, layout=layout, comments=("@", "#")):
        chrom = fields[chrom_col]
        start = parse_int(
            fields[start_col], column=layout.columns[start_col], name=name, line=number
        ) + (1 if zero_based else 0)
        end = parse_int(fields[end_col], column=layout.columns[end_col], name=name, line=number)
        if end < start:
            state.inverted += 1
            continue
        copy_number, log2, genes = _table_values(fmt, fields, index, layout, state, number)
        yield _Segment(chrom, start, end, copy_number, log2, genes)


def _number(
    fields: list[str], position: int, layout: Layout, state: _ReadState, line: int
) -> float | None:
    return parse_float(
        fields[position], column=layout.columns[position], name=state.name, line=line
    )


def _table_values(
    fmt: str,
    fields: list[str],
    index: dict[str, int],
    layout: Layout,
    state: _ReadState,
    line: int,
) -> tuple[float | None, float | None, tuple[str, ...] | None]:
    if fmt == "cnvkit_cns":
        log2 = _number(fields, index["log2"], layout, state, line)
        genes = tuple(
            dict.fromkeys(
                checked_gene(g, name=state.name, line=line)
                for g in fields[index["gene"]].split(",")
                if g.strip().lower() not in _NO_GENE
            )
        )
        cn = _number(fields, index["cn"], layout, state, line) if "cn" in index else None
        if cn is not None:
            state.absolute_used = True
            return cn, log2, genes
        return (None if log2 is None else state.from_log2(log2)), log2, genes
    if fmt == "purple_cnv":
        state.absolute_used = True
        value = _number(fields, index["copynumber"], layout, state, line)
        return (None if value is None else max(0.0, value)), None, None
    if fmt == "purple_gene_cnv":
        state.absolute_used = True
        value = _number(fields, index["mincopynumber"], layout, state, line)
        gene = checked_gene(fields[index["gene"]], name=state.name, line=line)
        return (None if value is None else max(0.0, value)), None, (gene,)
    if fmt in {"ascat_segments", "pcgr_cna"}:
        state.absolute_used = True
        major = _number(fields, index["nmajor"], layout, state, line)
        minor = _number(fields, index["nminor"], layout, state, line)
        if major is None or minor is None:
            return None, None, None
        return major + minor, None, None
    # log2_segments
    position = next(
        index[n]
        for n in (
            "seg.mean",
            "segment_mean",
            "mean_log2_copy_ratio",
            "log2_copy_ratio_posterior_50",
            "log2",
        )
        if n in index
    )
    log2 = _number(fields, position, layout, state, line)
    return (None if log2 is None else state.from_log2(log2)), log2, None


def _vcf_segments(
    path: str | os.PathLike[str],
    filename: str | None,
    name: str,
    assembly: str,
    state: _ReadState,
) -> tuple[Iterator[_Segment], str]:
    lines = TextLines(path, filename=filename)
    lines.__enter__()
    try:
        header, records = read_vcf(lines)
    except BaseException:
        lines.__exit__(None, None, None)
        raise
    found = assembly_from_contigs(header.contigs)
    if found and found != assembly:
        lines.__exit__(None, None, None)
        raise InputError(
            f"the ##contig lengths are those of {found}, but the case is {assembly}", filename=name
        )
    caller = "; ".join(header.sources) or "CNV VCF"
    tumor = _tumor_index(header.samples, header.tumor_sample)

    def generate() -> Iterator[_Segment]:
        try:
            for record in records:
                svtype = record.svtype
                if svtype not in {"DEL", "DUP", "CNV"} or not record.alt.startswith("<"):
                    state.skip(
                        "not a copy-number segment (breakends and sequence-resolved "
                        "SVs belong in the SV/fusion input)"
                    )
                    continue
                end_text = record.info.get("END")
                if end_text is None:
                    raise InputError(
                        "a copy-number record has no INFO/END", filename=name, line=record.line
                    )
                end = parse_int(end_text, column="INFO/END", name=name, line=record.line)
                start = record.pos + 1  # POS is the padding base before a symbolic event
                if end < start:
                    state.inverted += 1
                    continue
                cn_text = record.sample_value(tumor, "CN") if tumor is not None else None
                if cn_text in {None, "", "."}:
                    cn_text = record.info.get("CN")
                log2_text = record.info.get("FOLD_CHANGE_LOG") or record.info.get("LOG2")
                log2 = (
                    None
                    if log2_text is None
                    else parse_float(
                        log2_text, column="INFO/FOLD_CHANGE_LOG", name=name, line=record.line
                    )
                )
                copy_number = None
                if cn_text not in {None, "", "."}:
                    copy_number = parse_float(
                        str(cn_text), column="CN", name=name, line=record.line
                    )
                    state.absolute_used = True
                elif log2 is not None:
                    copy_number = state.from_log2(log2)
                if copy_number is None:
                    state.skip(f"{svtype} without CN or log2 fold change")
                    continue
                yield _Segment(record.chrom, start, end, max(0.0, copy_number), log2, None)
        finally:
            lines.__exit__(None, None, None)

    return generate(), caller


def _tumor_index(samples: list[str], tumor_sample: str | None) -> int | None:
    if not samples:
        return None
    if tumor_sample and tumor_sample in samples:
        return samples.index(tumor_sample)
    for position, sample in enumerate(samples):
        if "tumor" in sample.lower() or "tumour" in sample.lower():
            return position
    return 0 if len(samples) == 1 else len(samples) - 1


__all__ = [
    "AMPLIFICATION",
    "CALLS",
    "DEEP_DELETION",
    "GAIN",
    "LOSS",
    "CopyNumberResult",
    "GeneCopyNumber",
    "call_for",
    "copy_number_from_log2",
    "read_copy_number",
]
