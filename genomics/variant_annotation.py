"""Annotate one variant call as it streams in: pipeline annotation first, DART's own otherwise.

Plain Python, no Django. Lookup tables (transcript index, gene roles, hotspots) are loaded once
per process by the modules that own them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from math import inf

from genomics.annotation.annotator import DISTANCE, Annotator, default_annotator
from genomics.annotation.hotspots import is_hotspot
from genomics.annotation.index import norm_chrom
from genomics.annotation.oncogenicity import classify_oncogenicity
from genomics.annotation.pipeline import annotation_from_pipeline
from genomics.annotation.roles import gene_role
from genomics.io._text import checked_gene
from genomics.io.genes import GeneSpans
from genomics.io.vcf import info_from_text


@dataclass(slots=True, frozen=True)
class VariantNote:
    """What annotation found for one variant; shared between calls, so never changed."""

    gene: str = ""
    transcript: str = ""
    consequence: tuple[str, ...] = ()
    hgvsc: str = ""
    hgvsp: str = ""
    hgvsp_short: str = ""
    exon: str = ""
    source: str = ""
    gene_role: str = ""
    hotspot: bool = False
    oncogenicity: str = ""
    criteria: list = field(default_factory=list)


class VariantAnnotationContext:
    """Callable that turns a ``VariantCall`` into a :class:`VariantNote`, counting what it did."""

    def __init__(
        self,
        *,
        header,
        assembly: str,
        annotator: Annotator | None = None,
        gene_spans: GeneSpans | None = None,
        actionable_genes: frozenset[str] = frozenset(),
    ) -> None:
        """``gene_spans`` names the gene of a variant the index cannot annotate;
        ``actionable_genes`` (the knowledge base's genes) are named in the warning."""
        self.header = header
        self.gene_spans = gene_spans
        self.actionable_genes = actionable_genes
        self.assembly = assembly
        self.annotator = annotator or default_annotator(assembly)
        self.sources: Counter[str] = Counter()
        self.not_annotated = 0
        self.genes_without_reference: Counter[str] = Counter()
        self._spans = _indexed_spans(self.annotator)
        self._chrom_spans: dict[str, tuple[list[int], list[int]] | None] = {}
        # the last gap between indexed spans found: (chrom, low, high); sorted calls mostly
        # fall into the same gap as the call before
        self._gap: tuple[str, float, float] = ("", 0, 0)
        self._roles: dict[str, str | None] = {}
        self._bare: dict[str, VariantNote] = {}  # gene -> the note of an unannotated variant

    def _outside_index(self, chrom: str, pos: int, ref: str) -> bool:
        """True when no indexed transcript (+- 5 kb) comes near the allele, so the annotator
        would return None; a bisect instead of the annotator's own work (most WGS calls)."""
        if self._spans is None:
            return False
        # the annotator trims the allele to its minimal form inside pos-1 .. pos+len(ref)
        end = pos + len(ref)
        gap_chrom, low, high = self._gap
        if low < pos - 1 and end < high and chrom == gap_chrom:
            return True
        spans = self._chrom_spans.get(chrom, False)
        if spans is False:
            spans = self._chrom_spans[chrom] = self._spans.get(norm_chrom(chrom))
        if spans is None:
            self._gap = (chrom, -inf, inf)
            return True
        starts, ends = spans
        i = bisect_right(starts, end) - 1
        if i >= 0 and ends[i] >= pos - 1:
            return False
        # every allele with ends[i] < pos - 1 and pos + len(ref) < starts[i + 1] is outside too
        self._gap = (
            chrom,
            ends[i] if i >= 0 else -inf,
            starts[i + 1] if i + 1 < len(starts) else inf,
        )
        return True

    def _gene_at(self, chrom: str, pos: int) -> str:
        if self.gene_spans is None:
            return ""
        return self.gene_spans.name_at(chrom, pos)

    def _role(self, gene: str) -> str | None:
        if gene not in self._roles:
            self._roles[gene] = gene_role(gene)
        return self._roles[gene]

    def __call__(self, call) -> VariantNote:
        annotation = None
        if self.header.annotation_key and call.annotation:
            annotation = annotation_from_pipeline(
                self.header.annotation_key,
                call.annotation,
                self.header.annotation_fields,
                call.alt,
                call.allele_index,
            )
        if annotation is None and not self._outside_index(call.chrom, call.pos, call.ref):
            annotation = self.annotator.annotate(call.chrom, call.pos, call.ref, call.alt)
        if annotation is None:
            self.not_annotated += 1
            gene = _gene_from_info_text(call.info_text) or self._gene_at(call.chrom, call.pos)
            if gene:
                self.genes_without_reference[gene] += 1
            note = self._bare.get(gene)
            if note is None:
                note = self._bare[gene] = VariantNote(gene=gene)
            return note
        chosen = annotation.chosen
        if chosen.gene:
            checked_gene(chosen.gene, name=self.header.filename, line=call.line)
        self.sources[annotation.source] += 1
        protein = chosen.hgvsp_short[2:] if chosen.hgvsp_short else None
        role = self._role(chosen.gene) if chosen.gene else None
        hotspot = bool(chosen.gene) and is_hotspot(
            chosen.gene, protein, consequence=chosen.consequence
        )
        result = classify_oncogenicity(
            gene=chosen.gene,
            consequence=chosen.consequence,
            protein_change=protein,
            hotspot=hotspot,
            gene_role=role,
            vaf=call.vaf,
        )
        return VariantNote(
            gene=chosen.gene or "",
            transcript=chosen.transcript or "",
            consequence=tuple(chosen.consequence),
            hgvsc=chosen.hgvsc or "",
            hgvsp=chosen.hgvsp or "",
            hgvsp_short=chosen.hgvsp_short or "",
            exon=chosen.exon or "",
            source=annotation.source,
            gene_role=role or "",
            hotspot=hotspot,
            oncogenicity=result.classification,
            criteria=[{"code": c.code, "met": c.met} for c in result.criteria],
        )

    def info(self) -> dict:
        return {
            "reference": f"{self.annotator.name} {self.annotator.version}",
            "sources": dict(self.sources),
            "not_annotated": self.not_annotated,
            "genes_without_reference": sorted(self.genes_without_reference),
        }

    def summary(self) -> list[str]:
        if not self.not_annotated:
            return []
        lines = [
            f"{self.not_annotated} variants lie outside the transcript index "
            f"{self.annotator.name} {self.annotator.version} and are not annotated."
        ]
        actionable = sorted(set(self.genes_without_reference) & self.actionable_genes)
        if actionable:
            lines.append(
                "Variants in actionable genes could not be annotated (no transcript in the "
                f"index): {', '.join(actionable)}. Point DART at a full transcript index "
                "(reference_build) before relying on the ranking for these genes."
            )
        return lines


def _gene_from_info_text(text: str) -> str:
    """The gene a caller names in its kept INFO items (``KEY=VALUE;FLAG``), or ''."""
    if "GENE" not in text and "SYMBOL" not in text and "Gene" not in text:
        return ""  # most calls: nothing to read
    info = info_from_text(text)
    for key in ("GENE", "SYMBOL", "Gene", "GENEINFO"):
        value = info.get(key)
        if value:
            return str(value).split(":")[0].split("|")[0][:64]
    return ""


def _indexed_spans(annotator) -> dict[str, tuple[list[int], list[int]]] | None:
    """Per chromosome, the merged spans (+- 5 kb) of the annotator's transcripts as sorted
    (starts, ends); None for an annotator this shortcut does not know (then every allele goes
    to ``annotate``)."""
    if type(annotator).annotate is not Annotator.annotate:
        return None
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for t in annotator.index.transcripts:
        by_chrom.setdefault(t.chrom, []).append((t.start - DISTANCE, t.end + DISTANCE))
    spans = {}
    for chrom, items in by_chrom.items():
        items.sort()
        starts: list[int] = []
        ends: list[int] = []
        for start, end in items:
            if starts and start <= ends[-1] + 1:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        spans[chrom] = (starts, ends)
    return spans
