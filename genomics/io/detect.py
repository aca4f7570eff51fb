"""Recognise a genomics file's format from its content, never from its name alone.

``detect_format(path)`` returns one of the names in :data:`KNOWN_FORMATS`; anything else raises
:class:`InputError` with a sentence saying what the file looks like (BAM, FASTQ, CNVkit bins
...) or listing the formats DART knows. No Django.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from genomics.io._text import TextLines, display_name
from genomics.io._vcftext import bnd_mate, is_single_breakend, read_vcf
from genomics.io.errors import InputError

KNOWN_FORMATS: dict[str, str] = {
    "vcf": "VCF of small variants (SNVs and indels)",
    "sv_vcf": "VCF of structural variants as breakends (Manta, DELLY, GRIDSS/ESVEE, "
    "RNA fusion BND VCF)",
    "cnv_vcf": "VCF of copy-number segments (SVTYPE=DEL/DUP/CNV with CN or fold change, "
    "e.g. CNVkit export)",
    "cnvkit_cns": "CNVkit segments (.cns, .call.cns, segmetrics .cns)",
    "purple_cnv": "PURPLE somatic copy-number segments (purple.cnv.somatic.tsv)",
    "purple_gene_cnv": "PURPLE gene copy numbers (purple.cnv.gene.tsv)",
    "ascat_segments": "ASCAT allele-specific segments (chr, startpos, endpos, nMajor, nMinor)",
    "pcgr_cna": "PCGR allele-specific copy-number table (Chromosome, Start, End, nMajor, nMinor)",
    "log2_segments": "log2-ratio segments (DNAcopy/IGV .seg, GATK .cr.seg, "
    "Chromosome/Start/End/Segment_Mean)",
    "arriba": "Arriba fusions.tsv (current and older column layouts)",
    "star_fusion": "STAR-Fusion fusion predictions (current abridged layout and the 2016 "
    "J_FFPM layout)",
    "isofox_fusions": "Isofox RNA fusions (isf.pass_fusions.tsv)",
    "pcgr_fusions": "PCGR fusion table (FusionGene, LeftBreakpoint, RightBreakpoint, SplitReads)",
    "salmon_quant": "salmon quant.sf (transcript- or gene-level)",
    "rsem_genes": "RSEM genes.results",
    "rsem_isoforms": "RSEM isoforms.results",
    "kallisto_abundance": "kallisto abundance.tsv (transcript-level)",
    "isofox_genes": "Isofox gene_data.tsv (AdjTPM)",
    "gene_tpm_table": "a table of genes and TPM values (e.g. PCGR's TargetID/TPM, a kallisto "
    "gene-level table)",
}

COPY_NUMBER_FORMATS = (
    "cnvkit_cns",
    "purple_cnv",
    "purple_gene_cnv",
    "ascat_segments",
    "pcgr_cna",
    "log2_segments",
    "cnv_vcf",
)
FUSION_FORMATS = ("arriba", "star_fusion", "isofox_fusions", "pcgr_fusions", "sv_vcf")
EXPRESSION_FORMATS = (
    "salmon_quant",
    "rsem_genes",
    "rsem_isoforms",
    "kallisto_abundance",
    "isofox_genes",
    "gene_tpm_table",
)

GENE_COLUMNS = (
    "gene",
    "gene_name",
    "gene_symbol",
    "symbol",
    "hugo_symbol",
    "targetid",
    "target_id",
    "gene_id",
    "geneid",
    "genename",
    "name",
    "id",
)
TPM_COLUMNS = ("tpm", "abundance")
_VCF_SCAN_RECORDS = 1000
_FASTQ = re.compile(r"^@\S")


@dataclass(frozen=True)
class Layout:
    """What recognition found: the format, the header line and its (original) column names."""

    format: str
    header_line: int = 0
    columns: tuple[str, ...] = ()
    delimiter: str = "\t"


def _has(columns: set[str], *names: str) -> bool:
    return all(name in columns for name in names)


def _table_format(columns: list[str]) -> str | None:
    c = {column.lower() for column in columns}
    if _has(c, "gene1", "gene2", "breakpoint1", "breakpoint2"):
        return "arriba"
    if _has(c, "fusionname", "leftbreakpoint", "rightbreakpoint"):
        return "star_fusion"
    if _has(c, "genenameup", "genenamedown", "chrup", "posup", "chrdown", "posdown"):
        return "isofox_fusions"
    if _has(c, "fusiongene", "leftbreakpoint", "rightbreakpoint"):
        return "pcgr_fusions"
    if _has(c, "chromosome", "start", "end", "gene", "log2"):
        return "cnvkit_cns" if "probes" in c or "cn" in c else "cnvkit_cnr"
    if _has(c, "chromosome", "start", "end", "copynumber"):
        return "purple_cnv"
    if _has(c, "chromosome", "start", "end", "gene", "mincopynumber"):
        return "purple_gene_cnv"
    if _has(c, "chr", "startpos", "endpos", "nmajor", "nminor"):
        return "ascat_segments"
    if _has(c, "chromosome", "start", "end", "nmajor", "nminor"):
        return "pcgr_cna"
    if (
        (c & {"chrom", "chromosome", "chr", "contig"})
        and (c & {"loc.start", "start"})
        and (c & {"loc.end", "end"})
        and (
            c
            & {
                "seg.mean",
                "segment_mean",
                "mean_log2_copy_ratio",
                "log2_copy_ratio_posterior_50",
                "log2",
            }
        )
    ):
        return "log2_segments"
    if _has(c, "name", "length", "effectivelength", "tpm", "numreads"):
        return "salmon_quant"
    if _has(c, "gene_id", "transcript_id(s)", "tpm"):
        return "rsem_genes"
    if _has(c, "transcript_id", "gene_id", "tpm"):
        return "rsem_isoforms"
    if _has(c, "target_id", "length", "eff_length", "est_counts", "tpm"):
        return "kallisto_abundance"
    if _has(c, "genename", "adjtpm"):
        return "isofox_genes"
    if (c & set(GENE_COLUMNS)) and (c & set(TPM_COLUMNS)):
        return "gene_tpm_table"
    return None


def _unknown_message(what: str) -> str:
    known = "; ".join(f"{name} ({description})" for name, description in KNOWN_FORMATS.items())
    return f"{what}. DART reads these formats: {known}"


def _non_table(lines: list[tuple[int, str]]) -> str | None:
    """Name text formats people upload by mistake."""
    first = lines[0][1]
    if _FASTQ.match(first) and len(lines) >= 3 and lines[2][1].startswith("+"):
        return "this is a FASTQ reads file, not a result table"
    if first.startswith(">"):
        return "this is a FASTA sequence file, not a result table"
    if first.startswith("@HD") or first.startswith("@SQ"):
        return "this is a SAM alignment file, not a result table"
    if first.lstrip().startswith(("{", "[")):
        return "this is a JSON file, not a result table"
    if first.lower().startswith(("<!doctype html", "<html")):
        return "this is a web page (HTML), not a result table"
    return None


def sniff(path: str | os.PathLike[str], *, filename: str | None = None) -> Layout:
    """Recognise the format and return it with the header's position and columns."""
    name = display_name(path, filename)
    with TextLines(path, filename=filename) as lines:
        head: list[tuple[int, str]] = []
        for item in lines:
            head.append(item)
            if len(head) >= 200 or (
                len(head) >= 4 and any(t and not t.startswith(("##", "@")) for _, t in head)
            ):
                break
        content = [(n, t) for n, t in head if t.strip()]
        if not content:
            raise InputError("the file holds only blank lines", filename=name)
        if content[0][1].startswith("##fileformat=VCF") or content[0][1].startswith("#CHROM"):
            return Layout(_vcf_kind(path, filename))
        mistake = _non_table(content)
        if mistake:
            raise InputError(mistake, filename=name, line=content[0][0])
    number, header = next(
        ((n, t) for n, t in content if not t.startswith(("##", "@"))), content[-1]
    )
    delimiter = "\t"
    columns = [column.strip() for column in header.split("\t")]
    if len(columns) == 1 and "," in header:
        delimiter = ","
        columns = [column.strip().strip('"') for column in header.split(",")]
    if columns:
        columns[0] = columns[0].lstrip("#").strip()
    kind = _table_format(columns)
    if kind == "cnvkit_cnr":
        raise InputError(
            "this is CNVkit bin-level ratios (.cnr); upload the segments "
            "(.cns or .call.cns) instead",
            filename=name,
            line=number,
        )
    if kind is None:
        shown = ", ".join(columns[:8]) + (" ..." if len(columns) > 8 else "")
        raise InputError(
            _unknown_message(f"the format is not recognised from the header columns ({shown})"),
            filename=name,
            line=number,
        )
    return Layout(kind, number, tuple(columns), delimiter)


def _vcf_kind(path: str | os.PathLike[str], filename: str | None) -> str:
    """Small-variant, structural-variant or copy-number VCF, from the header and records."""
    with TextLines(path, filename=filename) as lines:
        header, records = read_vcf(lines)
        sources = " ".join(header.sources).lower()
        breakends = symbolic_cnv = with_cn = sv_like = 0
        for index, record in enumerate(records):
            if index >= _VCF_SCAN_RECORDS:
                break
            svtype = record.svtype
            alt = record.alt
            if svtype == "CNV" or alt in {"<CNV>"}:
                symbolic_cnv += 1
            if bnd_mate(alt) or is_single_breakend(alt) or svtype in {"BND", "SGL", "TRA"}:
                breakends += 1
            elif alt in {"<DEL>", "<DUP>"} and (
                "CN" in record.format or "CN" in record.info or "FOLD_CHANGE_LOG" in record.info
            ):
                with_cn += 1
            elif alt.startswith("<"):  # sequence-resolved SVTYPE records (Pindel) stay small
                sv_like += 1
    if symbolic_cnv or "cnvkit" in sources or "FOLD_CHANGE_LOG" in header.info_ids:
        return "cnv_vcf"
    if with_cn and not breakends and not sv_like:
        return "cnv_vcf"
    if breakends or sv_like or with_cn:
        return "sv_vcf"
    return "vcf"


def detect_format(path: str | os.PathLike[str], *, filename: str | None = None) -> str:
    """The format name (a key of KNOWN_FORMATS) of the file at ``path``, from its content.

    Raises InputError naming the file (and the header line) when the format is not one DART
    reads, listing the formats it knows.
    """
    return sniff(path, filename=filename).format


def require_family(layout: Layout, family: tuple[str, ...], *, what: str, name: str) -> None:
    """Refuse a recognised file handed to the wrong reader (a VCF given as expression ...)."""
    if layout.format in family:
        return
    names = ", ".join(f"{fmt} ({KNOWN_FORMATS[fmt]})" for fmt in family)
    raise InputError(
        f"this is {KNOWN_FORMATS[layout.format]}, not {what}; {what} formats DART reads: {names}",
        filename=name,
        line=layout.header_line or 1,
    )
