"""Annotate one variant call as it streams in: pipeline annotation first, DART's own otherwise.

Plain Python, no Django. Lookup tables (transcript index, gene roles, hotspots) are loaded once
per process by the modules that own them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from genomics.annotation.annotator import Annotator, default_annotator
from genomics.annotation.hotspots import is_hotspot
from genomics.annotation.oncogenicity import classify_oncogenicity
from genomics.annotation.pipeline import annotation_from_pipeline
from genomics.annotation.roles import gene_role


@dataclass(slots=True)
class VariantNote:
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

    def __init__(self, *, header, assembly: str, annotator: Annotator | None = None) -> None:
        self.header = header
        self.assembly = assembly
        self.annotator = annotator or default_annotator(assembly)
        self.sources: Counter[str] = Counter()
        self.not_annotated = 0
        self.genes_without_reference: Counter[str] = Counter()

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
        if annotation is None:
            annotation = self.annotator.annotate(call.chrom, call.pos, call.ref, call.alt)
        if annotation is None:
            self.not_annotated += 1
            gene = _gene_from_info(call.info)
            if gene:
                self.genes_without_reference[gene] += 1
            return VariantNote(gene=gene)
        chosen = annotation.chosen
        self.sources[annotation.source] += 1
        protein = chosen.hgvsp_short[2:] if chosen.hgvsp_short else None
        role = gene_role(chosen.gene) if chosen.gene else None
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
        return [
            f"{self.not_annotated} variants lie outside the transcript index "
            f"{self.annotator.name} {self.annotator.version} and are not annotated."
        ]


def _gene_from_info(info: dict) -> str:
    for key in ("GENE", "SYMBOL", "Gene", "GENEINFO"):
        value = info.get(key)
        if value:
            return str(value).split(":")[0].split("|")[0][:64]
    return ""
