"""Gene roles in cancer (oncogene, tumour suppressor, both) from open sources.

The bundled table ``genomics/data/clinical/gene_roles.tsv`` is derived by
``genomics/data/clinical/build.py`` from IntOGen (release 2020-02-02) and CancerMine (v47),
both CC0; its ``SOURCE.md`` states the rule. No COSMIC Cancer Gene Census or OncoKB data.
The table is read once per process.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CLINICAL_DATA = Path(__file__).resolve().parent.parent / "data" / "clinical"
GENE_ROLES_FILE = CLINICAL_DATA / "gene_roles.tsv"
SOURCE = "IntOGen Compendium_Cancer_Genes 2020-02-02 + CancerMine v47 (CC0)"


def read_clinical_table(path: Path) -> Iterator[dict[str, str]]:
    """Rows of one bundled TSV (leading ``#`` lines are provenance comments)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t")


@dataclass(frozen=True)
class GeneRole:
    """A gene's role and what decided it (``basis``: intogen, cancermine, or both)."""

    gene: str
    role: str  # "oncogene" | "tumor_suppressor" | "both"
    basis: str
    intogen_roles: str  # e.g. "Act:43" or "ambiguous:27"
    cancermine_oncogene_citations: int
    cancermine_tumor_suppressor_citations: int


@functools.cache
def load_gene_roles(path: Path = GENE_ROLES_FILE) -> dict[str, GeneRole]:
    """All gene roles keyed by upper-case HGNC symbol."""
    roles: dict[str, GeneRole] = {}
    for row in read_clinical_table(path):
        roles[row["gene"].upper()] = GeneRole(
            gene=row["gene"],
            role=row["role"],
            basis=row["basis"],
            intogen_roles=row["intogen_roles"],
            cancermine_oncogene_citations=int(row["cancermine_oncogene_citations"]),
            cancermine_tumor_suppressor_citations=int(row["cancermine_tumor_suppressor_citations"]),
        )
    return roles


def gene_role_detail(gene: str | None) -> GeneRole | None:
    """The full role record of ``gene`` (symbol, any case), or None when it is not listed."""
    if not gene:
        return None
    return load_gene_roles().get(gene.upper())


def gene_role(gene: str | None) -> str | None:
    """``"oncogene"``, ``"tumor_suppressor"``, ``"both"``, or None for a gene not listed."""
    detail = gene_role_detail(gene)
    return detail.role if detail else None
