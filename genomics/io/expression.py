"""Expression readers: salmon, RSEM, kallisto, Isofox and plain gene x TPM tables. No Django.

In: a path (plain or gzip) and optionally a transcript-to-gene table (``tx2gene``: CSV or TSV,
transcript id in the first column, gene in the second, header optional).
Out: :class:`ExpressionResult`, one :class:`GeneExpression` (gene symbol, TPM) per gene,
ordered by gene name.

Transcript-level results are summed per gene. A transcript finds its gene in the tx2gene table
when one is given, else in a GENCODE-style id (``ENST...|ENSG...|...|GENE|...``), else in the
bundled MANE/LRG transcript table (genomics/data/genes); ids are compared with and without
their version suffix. Transcripts without a gene are left out and counted in the warnings.
Ensembl gene ids (``ENSG00000141736.13``) become symbols where the bundled table knows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from genomics.io._text import TextLines, checked_gene, display_name, parse_float, table_rows
from genomics.io.detect import EXPRESSION_FORMATS, require_family, sniff
from genomics.io.errors import InputError
from genomics.io.genes import GeneSpans, transcript_genes

_GENE_COLUMN_PREFERENCE = (
    "gene_name",
    "gene_symbol",
    "symbol",
    "hugo_symbol",
    "genename",
    "targetid",
    "gene",
    "name",
    "gene_id",
    "geneid",
    "target_id",
    "id",
)
_CALLERS = {
    "salmon_quant": "salmon",
    "rsem_genes": "RSEM",
    "rsem_isoforms": "RSEM",
    "kallisto_abundance": "kallisto",
    "isofox_genes": "Isofox",
    "gene_tpm_table": "TPM table",
}


@dataclass(frozen=True)
class GeneExpression:
    gene: str
    tpm: float


@dataclass
class ExpressionResult:
    format: str
    genes: list[GeneExpression]
    warnings: list[str] = field(default_factory=list)
    records: int = 0
    caller: str = ""


def _unversioned(identifier: str) -> str:
    return (
        identifier.split(".", 1)[0]
        if identifier.startswith(("ENS", "NM_", "NR_", "XM_", "XR_"))
        else identifier
    )


class _GeneNames:
    """Ensembl gene id -> symbol via the bundled tables (both assemblies)."""

    def __init__(self) -> None:
        self._spans = [GeneSpans.load("GRCh38"), GeneSpans.load("GRCh37")]
        self.unmapped_ids = 0

    def symbol(self, gene: str) -> str:
        if not gene.startswith("ENSG"):
            return gene
        for spans in self._spans:
            symbol = spans.symbol_for_ensembl(gene)
            if symbol:
                return symbol
        self.unmapped_ids += 1
        return gene.split(".", 1)[0]


def _load_tx2gene(path: str | os.PathLike[str]) -> dict[str, str]:
    name = display_name(path, None)
    mapping: dict[str, str] = {}
    with TextLines(path) as lines:
        for number, line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            delimiter = "\t" if "\t" in line else ","
            fields = [value.strip().strip('"') for value in line.split(delimiter)]
            if len(fields) < 2:
                raise InputError(
                    "a tx2gene row needs a transcript and a gene column", filename=name, line=number
                )
            if number == 1 and fields[0].lower() in {
                "txname",
                "transcript",
                "transcript_id",
                "tx",
                "target_id",
                "tx_id",
                "name",
            }:
                continue
            mapping.setdefault(fields[0], fields[1])
            mapping.setdefault(_unversioned(fields[0]), fields[1])
    if not mapping:
        raise InputError("the tx2gene table lists no transcripts", filename=name)
    return mapping


def read_expression(
    path: str | os.PathLike[str],
    *,
    filename: str | None = None,
    tx2gene: str | os.PathLike[str] | None = None,
) -> ExpressionResult:
    """Read an expression file and return TPM per gene; InputError for anything refused."""
    name = display_name(path, filename)
    layout = sniff(path, filename=filename)
    require_family(layout, EXPRESSION_FORMATS, what="expression", name=name)
    columns = [column.lower() for column in layout.columns]
    index = {column: position for position, column in enumerate(columns)}
    fmt = layout.format
    id_column, tpm_column, gene_column = _columns(fmt, index)
    mapping = _load_tx2gene(tx2gene) if tx2gene is not None else None
    bundled = transcript_genes()
    names = _GeneNames()
    totals: dict[str, float] = {}
    records = 0
    transcripts = unmapped = 0
    unmapped_tpm = total_tpm = 0.0
    gene_level: bool | None = (
        None if fmt == "salmon_quant" else fmt not in {"kallisto_abundance", "rsem_isoforms"}
    )
    duplicates = 0
    for number, fields in table_rows(path, filename=filename, layout=layout, comments=("#",)):
        records += 1
        identifier = fields[id_column].strip('"')
        tpm = parse_float(
            fields[tpm_column], column=layout.columns[tpm_column], name=name, line=number
        )
        if tpm is None:
            continue
        if tpm < 0:
            raise InputError(
                f"{layout.columns[tpm_column]} value {tpm} is negative",
                filename=name,
                line=number,
            )
        if gene_level is None:  # salmon: quant.genes.sf holds gene ids
            gene_level = identifier.startswith("ENSG")
        if gene_level:
            gene = names.symbol(identifier)
            if gene in totals:
                duplicates += 1
        else:
            transcripts += 1
            total_tpm += tpm
            if gene_column is not None:
                gene = names.symbol(fields[gene_column])
            else:
                found = _transcript_gene(identifier, mapping, bundled)
                if found is None:
                    unmapped += 1
                    unmapped_tpm += tpm
                    continue
                gene = names.symbol(found)
        gene = checked_gene(gene, name=name, line=number)
        totals[gene] = totals.get(gene, 0.0) + tpm
    warnings = []
    if not records:
        warnings.append("the file has a header but no expression records")
    if unmapped:
        share = 100.0 * unmapped_tpm / total_tpm if total_tpm else 0.0
        source = (
            "the tx2gene table"
            if mapping is not None
            else "the bundled MANE/LRG "
            "transcript table (give a tx2gene table for a complete mapping)"
        )
        warnings.append(
            f"{unmapped} of {transcripts} transcripts ({share:.1f}% of the TPM) "
            f"could not be mapped to a gene via {source} and were left out"
        )
    if duplicates:
        warnings.append(f"{duplicates} gene(s) appeared more than once; their TPM were summed")
    if names.unmapped_ids:
        warnings.append(
            f"{names.unmapped_ids} Ensembl gene id(s) have no symbol in the bundled "
            f"gene table and are reported by id"
        )
    genes = [GeneExpression(gene, round(tpm, 6)) for gene, tpm in sorted(totals.items())]
    return ExpressionResult(fmt, genes, warnings, records, _CALLERS[fmt])


def _columns(fmt: str, index: dict[str, int]) -> tuple[int, int, int | None]:
    """(id column, TPM column, gene column for transcript rows that name their gene)."""
    if fmt == "salmon_quant":
        return index["name"], index["tpm"], None
    if fmt == "rsem_genes":
        return index["gene_id"], index["tpm"], None
    if fmt == "rsem_isoforms":
        return index["transcript_id"], index["tpm"], index["gene_id"]
    if fmt == "kallisto_abundance":
        return index["target_id"], index["tpm"], None
    if fmt == "isofox_genes":
        return index["genename"], index["adjtpm"], None
    gene = next(index[c] for c in _GENE_COLUMN_PREFERENCE if c in index)
    tpm = index["tpm"] if "tpm" in index else index["abundance"]
    return gene, tpm, None


def _transcript_gene(
    identifier: str, mapping: dict[str, str] | None, bundled: dict[str, str]
) -> str | None:
    if mapping is not None:
        return mapping.get(identifier) or mapping.get(_unversioned(identifier))
    if "|" in identifier:  # GENCODE transcript FASTA header used as the id
        parts = identifier.split("|")
        if len(parts) > 5 and parts[5]:
            return parts[5]
        if len(parts) > 1 and parts[1].startswith("ENSG"):
            return parts[1]
    return bundled.get(_unversioned(identifier))
