"""Mutational hotspots from Cancer Hotspots (single residue, in-frame indel, splice).

The bundled table ``genomics/data/clinical/hotspots.tsv`` is derived by
``genomics/data/clinical/build.py``: single-residue and splice hotspots from Cancer Hotspots v2
(Chang et al., Cancer Discov 2018;8:174-183), in-frame indel hotspots from the Genome Nexus
export of the same release (GRCh38, Ensembl 95 isoforms). Data licence: ODbL 1.0 (see its
SOURCE.md). Protein positions refer to the isoform in the ``transcript`` column, which is the
MANE Select transcript for most cancer genes; a reference amino acid that disagrees with the
table's means another isoform and is not called a hotspot.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from genomics.annotation.hgvs import ONE
from genomics.annotation.roles import CLINICAL_DATA, read_clinical_table

HOTSPOTS_FILE = CLINICAL_DATA / "hotspots.tsv"
SOURCE = "Cancer Hotspots v2 (cancerhotspots.org; Genome Nexus GRCh38 export), ODbL 1.0"

SINGLE_RESIDUE = "single_residue"
IN_FRAME_INDEL = "in_frame_indel"
SPLICE = "splice"

_THREE_TO_ONE = ONE  # three-letter -> one-letter amino acid
_THREE_RE = re.compile("|".join(_THREE_TO_ONE))

# Terms under which a protein change can sit at a hotspot; anything else (synonymous, UTR,
# intron ...) is never a hotspot even when its protein position is.
_HOTSPOT_CONSEQUENCES = frozenset(
    {
        "missense_variant",
        "stop_gained",
        "inframe_insertion",
        "inframe_deletion",
        "protein_altering_variant",
        "splice_donor_variant",
        "splice_acceptor_variant",
        "start_lost",
        "stop_lost",
    }
)

_SUBSTITUTION = re.compile(r"^([A-Z*])(\d+)([A-Z*=]?)$")
_SPLICE = re.compile(r"^X(\d+)_splice$")
_INFRAME = re.compile(r"^([A-Z*])(\d+)(?:_([A-Z*])(\d+))?(del|dup|ins[A-Z*]+|delins[A-Z*]+)$")
_FRAMESHIFT = re.compile(r"^([A-Z*])(\d+)[A-Z*]?fs")


@dataclass(frozen=True)
class ProteinChange:
    """A parsed 1-letter protein change.

    ``kind``: missense, nonsense, synonymous, residue (position only, e.g. ``G12``), inframe,
    frameshift, splice, or other. ``start``/``end`` are protein positions.
    """

    text: str
    kind: str
    start: int | None = None
    end: int | None = None
    ref: str | None = None
    alt: str | None = None


def parse_protein_change(text: str | None) -> ProteinChange | None:
    """Parse ``V600E``, ``p.(Val600Glu)``, ``G12``, ``R213*``, ``E746_A750del``, ``X187_splice``.

    Returns None for an empty value; an unparsable text gives ``kind="other"``.
    """
    if not text:
        return None
    value = text.strip()
    if value.startswith("p."):
        value = value[2:]
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1]
    value = _THREE_RE.sub(lambda m: _THREE_TO_ONE[m.group(0)], value)
    if match := _SPLICE.match(value):
        pos = int(match.group(1))
        return ProteinChange(value, "splice", pos, pos)
    if match := _SUBSTITUTION.match(value):
        ref, pos, alt = match.group(1), int(match.group(2)), match.group(3)
        if not alt:
            kind, alt_value = "residue", None
        elif alt == "=" or alt == ref:
            kind, alt_value = "synonymous", ref
        elif alt == "*":
            kind, alt_value = "nonsense", "*"
        else:
            kind, alt_value = "missense", alt
        return ProteinChange(value, kind, pos, pos, ref, alt_value)
    if match := _INFRAME.match(value):
        start = int(match.group(2))
        end = int(match.group(4)) if match.group(4) else start
        return ProteinChange(value, "inframe", start, end, match.group(1))
    if match := _FRAMESHIFT.match(value):
        pos = int(match.group(2))
        return ProteinChange(value, "frameshift", pos, pos, match.group(1))
    return ProteinChange(value, "other")


@dataclass(frozen=True)
class Hotspot:
    """One row of the hotspot table."""

    gene: str
    type: str  # single_residue | in_frame_indel | splice
    start: int
    end: int
    ref: str  # reference amino acid (single residue only)
    residue_count: int  # samples with a somatic mutation at the residue (or in the region)
    variants: dict[str, int]  # change -> samples: {"E": 833} or {"E746_A750del": 123}
    qvalue: float | None
    transcript: str


@dataclass(frozen=True)
class HotspotMatch:
    """A variant found at a hotspot, with the counts the oncogenicity criteria need.

    ``change_count`` is the number of samples with this very change (0 when the change was
    never seen there, None when the query gave a residue only, e.g. ``G12``).
    """

    hotspot: Hotspot
    residue_count: int
    change_count: int | None

    @property
    def type(self) -> str:
        return self.hotspot.type


@functools.cache
def load_hotspots(path: Path = HOTSPOTS_FILE) -> dict[str, tuple[Hotspot, ...]]:
    """All hotspots keyed by upper-case gene symbol."""
    by_gene: dict[str, list[Hotspot]] = defaultdict(list)
    for row in read_clinical_table(path):
        variants: dict[str, int] = {}
        for item in filter(None, row["variants"].split("|")):
            key, _, count = item.rpartition(":")
            variants[key] = int(count)
        by_gene[row["gene"].upper()].append(
            Hotspot(
                gene=row["gene"],
                type=row["type"],
                start=int(row["start"]),
                end=int(row["end"]),
                ref=row["ref"],
                residue_count=int(row["residue_count"]),
                variants=variants,
                qvalue=float(row["qvalue"]) if row["qvalue"] else None,
                transcript=row["transcript"],
            )
        )
    return {gene: tuple(spots) for gene, spots in by_gene.items()}


def hotspot_lookup(
    gene: str | None, protein_change: str | None, *, consequence: Sequence[str] = ()
) -> HotspotMatch | None:
    """The hotspot a protein change sits at, with its sample counts, or None.

    Substitutions (missense, nonsense, or a bare residue such as ``G12``) match single-residue
    hotspots on position and reference amino acid; in-frame deletions, insertions,
    duplications and delins match an in-frame indel hotspot region they overlap; ``X187_splice``
    matches a splice hotspot. Synonymous changes and frameshifts are never hotspots. When
    ``consequence`` is given and holds no protein-altering or splice-site term, the answer is
    None.
    """
    if not gene:
        return None
    if consequence and not _HOTSPOT_CONSEQUENCES.intersection(consequence):
        return None
    parsed = parse_protein_change(protein_change)
    if parsed is None or parsed.start is None:
        return None
    spots = load_hotspots().get(gene.upper(), ())
    if parsed.kind in ("missense", "nonsense", "residue"):
        for spot in spots:
            if spot.type == SINGLE_RESIDUE and spot.start == parsed.start:
                if spot.ref and parsed.ref != spot.ref:
                    return None  # another isoform's numbering
                change = None if parsed.alt is None else spot.variants.get(parsed.alt, 0)
                return HotspotMatch(spot, spot.residue_count, change)
    elif parsed.kind == "inframe":
        end = parsed.end if parsed.end is not None else parsed.start
        for spot in spots:
            if spot.type == IN_FRAME_INDEL and spot.start <= end and parsed.start <= spot.end:
                return HotspotMatch(spot, spot.residue_count, spot.variants.get(parsed.text, 0))
    elif parsed.kind == "splice":
        for spot in spots:
            if spot.type == SPLICE and spot.start == parsed.start:
                return HotspotMatch(spot, spot.residue_count, spot.residue_count)
    return None


def is_hotspot(
    gene: str | None, protein_change: str | None, *, consequence: Sequence[str] = ()
) -> bool:
    """True when the change sits at a Cancer Hotspots single-residue, in-frame indel or splice
    hotspot (see :func:`hotspot_lookup` for the matching rules)."""
    return hotspot_lookup(gene, protein_change, consequence=consequence) is not None
