"""The alteration vocabulary shared by readers, annotation, the knowledge base and ranking.

Plain Python, no Django: every source of a molecular finding (small variant, copy number,
fusion, expression, biomarker) is expressed as an :class:`Alteration` before it is matched
against evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MUTATION = "mutation"
AMPLIFICATION = "amplification"
DELETION = "deletion"  # homozygous (deep) deletion
LOSS = "loss"
FUSION = "fusion"
EXPRESSION = "overexpression"
BIOMARKER = "biomarker"  # TMB-high, MSI-high ...

KINDS = (MUTATION, AMPLIFICATION, DELETION, LOSS, FUSION, EXPRESSION, BIOMARKER)


@dataclass(frozen=True)
class Alteration:
    """One molecular finding of a case, in the grain the knowledge base matches on.

    ``protein_change`` is the 1-letter HGVS protein change without the ``p.`` prefix
    (``V600E``, ``E746_A750del``), ``consequence`` holds Sequence Ontology terms, most
    severe first. ``variant_ids`` point back to the stored variants (``chr7:140753336:A:T``).
    """

    gene: str
    kind: str = MUTATION
    protein_change: str | None = None
    consequence: tuple[str, ...] = ()
    exon: int | None = None
    partner: str | None = None  # fusion partner (3' gene when ``gene`` is 5')
    value: float | None = None  # TMB per Mb, copy number, TPM ...
    status: str | None = None  # biomarker status: "high", "low", "MSI-H", "MSS"
    oncogenicity: str | None = None
    origin: str = "somatic"
    variant_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        """Human-readable name, e.g. ``BRAF p.V600E``, ``ERBB2 amplification``."""
        if self.kind == MUTATION:
            return (
                f"{self.gene} p.{self.protein_change}"
                if self.protein_change
                else (f"{self.gene} mutation")
            )
        if self.kind == FUSION:
            return f"{self.gene}::{self.partner}" if self.partner else f"{self.gene} fusion"
        if self.kind == BIOMARKER:
            return f"{self.gene} {self.status}" if self.status else self.gene
        return f"{self.gene} {self.kind}"
