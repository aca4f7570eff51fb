"""Genome-wide biomarkers from the variant list: tumour mutational burden and MSI status.

TMB is the number of non-synonymous somatic coding mutations per megabase of the assay's
callable territory. TMB-high is at least 10 mutations/Mb, the threshold of the FDA approval of
pembrolizumab for TMB-high solid tumours (16 June 2020; KEYNOTE-158, Marabelle A et al., Lancet
Oncol 2020;21:1353-1365; Marcus L et al., Clin Cancer Res 2021;27:4685-4689), measured there by
FoundationOne CDx. The intermediate band (6 to under 10) follows the low/intermediate split of
Goodman AM et al., Mol Cancer Ther 2017;16:2598-2608 (low 1-5, intermediate 6-19 mut/Mb).

MSI is estimated from the somatic indels that fall in microsatellites, per megabase, as in
MSIseq (Huang MN et al., Sci Rep 2015;5:13321), whose classifier separates MSI-H from MSS
exomes at about 0.395 indels in simple repeats per Mb.
"""

from __future__ import annotations

import bisect
import gzip
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from genomics.alterations import BIOMARKER, Alteration
from genomics.annotation.vocabulary import (
    INDETERMINATE,
    MSI_HIGH,
    MSS,
    NOT_EVALUABLE,
    TMB_HIGH,
    TMB_INTERMEDIATE,
    TMB_LOW,
)
from genomics.io.errors import InputError

TMB_HIGH_THRESHOLD = 10.0
TMB_INTERMEDIATE_THRESHOLD = 6.0
# TMB counts coding mutations, so the territory of a whole exome or a whole genome is the
# protein-coding exome. 30 Mb is the conventional size of the human protein-coding exome
# (about 1% of the genome); CCDS/GENCODE coding bases total roughly 30-35 Mb depending on the
# release. A capture BED, when given, replaces this default.
CODING_EXOME_MB = 30.0
DEFAULT_TERRITORY_MB = {"WES": CODING_EXOME_MB, "WGS": CODING_EXOME_MB}

TMB_CONSEQUENCES = frozenset(
    {
        "missense_variant",
        "stop_gained",
        "frameshift_variant",
        "inframe_insertion",
        "inframe_deletion",
        "protein_altering_variant",
        "splice_donor_variant",
        "splice_acceptor_variant",
        "start_lost",
        "stop_lost",
    }
)

MSI_H_REPEAT_INDELS_PER_MB = 0.395
# In MSI-high tumours most somatic indels fall in repeats; a high rate with a low share (many
# indels overall, e.g. a high-TMB MSS tumour) is not called MSI-H from calls alone.
MSI_H_MIN_REPEAT_SHARE = 0.5
MSI_H_MIN_REPEAT_INDELS = 10
HOMOPOLYMER_MIN_COPIES = 5  # a 1-bp unit repeated at least 5 times
MICROSATELLITE_MIN_COPIES = 3  # a 2-6 bp unit repeated at least 3 times
MICROSATELLITE_MAX_UNIT = 6
REFERENCE_WINDOW = 60


def _assay_key(assay: str) -> str:
    value = assay.strip().upper()
    if value in ("WES", "EXOME", "WXS"):
        return "WES"
    if value in ("WGS", "GENOME"):
        return "WGS"
    return value


def _norm_chrom(chrom: str) -> str:
    value = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return "M" if value.upper() == "MT" else value.upper()


@dataclass(frozen=True)
class Territory:
    """Merged 0-based half-open intervals per chromosome (``chr`` prefix removed)."""

    intervals: dict[str, tuple[tuple[int, int], ...]]

    @property
    def size_mb(self) -> float:
        return sum(e - s for ivs in self.intervals.values() for s, e in ivs) / 1e6

    def contains(self, chrom: str, pos: int) -> bool:
        """Whether the 1-based position ``pos`` lies inside the territory."""
        ivs = self.intervals.get(_norm_chrom(chrom))
        if not ivs:
            return False
        i = bisect.bisect_right(ivs, (pos - 1, float("inf"))) - 1
        return i >= 0 and ivs[i][0] <= pos - 1 < ivs[i][1]


def read_bed(bed: str | Path) -> Territory:
    """Read a BED file (plain or gzip) and merge overlapping and adjacent intervals.

    Raises :class:`InputError` for a line that is not ``chrom<TAB>start<TAB>end`` with
    0 <= start <= end.
    """
    path = Path(bed)
    name = path.name
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
            raw: dict[str, list[tuple[int, int]]] = {}
            for number, line in enumerate(handle, start=1):
                if not line.strip() or line.startswith(("#", "track", "browser")):
                    continue
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 3:
                    fields = line.split()
                try:
                    start, end = int(fields[1]), int(fields[2])
                except (IndexError, ValueError):
                    raise InputError(
                        "a BED line needs a chromosome, a start and an end separated by tabs",
                        filename=name,
                        line=number,
                    ) from None
                if start < 0 or end < start:
                    raise InputError(
                        f"the interval {start}-{end} is not a valid BED interval",
                        filename=name,
                        line=number,
                    )
                raw.setdefault(_norm_chrom(fields[0]), []).append((start, end))
    except OSError as error:
        raise InputError(f"the BED file cannot be read ({error.strerror})", filename=name) from None
    merged: dict[str, tuple[tuple[int, int], ...]] = {}
    for chrom, ivs in raw.items():
        out: list[tuple[int, int]] = []
        for start, end in sorted(ivs):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        merged[chrom] = tuple(out)
    return Territory(merged)


def territory_mb(assay: str, bed: str | Path | None = None) -> float:
    """Callable territory in Mb: the merged BED when given, else the WES/WGS default
    (:data:`CODING_EXOME_MB`). A panel without a BED raises :class:`InputError`."""
    if bed is not None:
        return read_bed(bed).size_mb
    key = _assay_key(assay)
    if key in DEFAULT_TERRITORY_MB:
        return DEFAULT_TERRITORY_MB[key]
    raise InputError(
        f"the assay '{assay}' is a panel, and a panel needs its BED file to measure TMB",
        filename="--bed",
    )


# --- TMB -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TmbInput:
    """One called variant, as TMB needs it. ``vaf`` and ``depth`` are the tumour sample's."""

    chrom: str
    pos: int
    ref: str
    alt: str
    passed: bool
    origin: str = "somatic"
    vaf: float | None = None
    depth: int | None = None
    consequence: tuple[str, ...] = ()


@dataclass(frozen=True)
class TmbResult:
    """TMB with everything needed to read it: counts, territory, filters, reference ranges."""

    value: float
    unit: str
    status: str  # "high" | "intermediate" | "low"
    mutations_counted: int
    territory_mb: float
    assay: str
    filters: str
    reference_ranges: str
    excluded: dict[str, int] = field(default_factory=dict)


TMB_REFERENCE_RANGES = (
    "TMB-high: 10 or more mutations/Mb (FDA threshold for pembrolizumab in TMB-high solid "
    "tumours, 2020; KEYNOTE-158). Intermediate: 6 to under 10; low: under 6 (after Goodman "
    "et al. 2017). Values from different assays and territories are not directly comparable."
)


def tmb_status(value: float) -> str:
    """``high`` at 10 mut/Mb or more, ``intermediate`` from 6, else ``low``."""
    if value >= TMB_HIGH_THRESHOLD:
        return TMB_HIGH
    if value >= TMB_INTERMEDIATE_THRESHOLD:
        return TMB_INTERMEDIATE
    return TMB_LOW


def compute_tmb(
    variants: Iterable[TmbInput],
    *,
    assay: str,
    bed: str | Path | None = None,
    min_vaf: float = 0.05,
    min_depth: int = 25,
) -> TmbResult:
    """Count qualifying mutations and divide by the territory.

    Counted: PASS, somatic, one of :data:`TMB_CONSEQUENCES`, VAF >= ``min_vaf`` and depth >=
    ``min_depth`` (a variant whose VAF or depth is not reported is not filtered on it), inside
    the BED when one is given; each chrom/pos/ref/alt once (a repeat of a counted call is a
    duplicate).
    """
    territory = read_bed(bed) if bed is not None else None
    size = territory.size_mb if territory is not None else territory_mb(assay)
    if size <= 0:
        raise InputError("the BED file covers no bases", filename=Path(str(bed)).name)
    excluded: Counter[str] = Counter()
    seen: set[tuple[str, int, str, str]] = set()
    counted = 0
    unreported = 0
    for v in variants:
        # only counted calls are remembered: a WGS case's millions of others are not kept
        if not v.passed:
            excluded["not PASS"] += 1
        elif v.origin != "somatic":
            excluded["not somatic"] += 1
        elif not TMB_CONSEQUENCES.intersection(v.consequence):
            excluded["not a non-synonymous coding change"] += 1
        elif v.vaf is not None and v.vaf < min_vaf:
            excluded["VAF below threshold"] += 1
        elif v.depth is not None and v.depth < min_depth:
            excluded["depth below threshold"] += 1
        elif territory is not None and not territory.contains(v.chrom, v.pos):
            excluded["outside the BED"] += 1
        elif (key := (_norm_chrom(v.chrom), v.pos, v.ref.upper(), v.alt.upper())) in seen:
            excluded["duplicate"] += 1
        else:
            seen.add(key)
            counted += 1
            if v.vaf is None or v.depth is None:
                unreported += 1
    value = round(counted / size, 2)
    where = (
        f"inside the {size:g} Mb of the assay BED"
        if territory is not None
        else (f"over the default {size:g} Mb coding territory of {_assay_key(assay)}")
    )
    filters = (
        f"Counted {counted} PASS somatic mutations that change the protein (missense, nonsense, "
        "frameshift, in-frame insertion/deletion, splice donor/acceptor, start or stop lost) "
        f"with VAF at least {min_vaf:g} and depth at least {min_depth}, {where}; synonymous, "
        "non-coding, germline and filtered calls are not counted."
    )
    if unreported:
        filters += f" {unreported} counted variants had no VAF or depth to filter on."
    return TmbResult(
        value=value,
        unit="mut/Mb",
        status=tmb_status(value),
        mutations_counted=counted,
        territory_mb=size,
        assay=_assay_key(assay),
        filters=filters,
        reference_ranges=TMB_REFERENCE_RANGES,
        excluded=dict(excluded),
    )


# --- MSI -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MsiInput:
    """One called variant with the caller's repeat annotation, if any.

    ``info`` holds Mutect2 ``STR`` (flag), ``RU`` (unit), ``RPA`` (copies: ref, alt ...) or
    Strelka2 ``RU``, ``REFREP`` (reference copies), ``IC`` (copies in the indel allele).
    """

    chrom: str
    pos: int
    ref: str
    alt: str
    passed: bool = True
    origin: str = "somatic"
    info: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class MsiResult:
    """MSI status with its score, method and limits in plain sentences."""

    status: str  # "MSI-H" | "MSS" | "not_evaluable"
    score: float | None
    unit: str
    method: str
    indels_in_repeats: int
    limits: str
    indels_total: int = 0
    indels_without_context: int = 0


ReferenceFetch = Callable[[str, int, int], "str | None"]

#: the INFO keys of a caller's repeat annotation (Mutect2, Strelka2)
REPEAT_KEYS = ("STR", "RU", "RPA", "REFREP")


def _first_int(value: object) -> int | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None or value == "":
        return None
    try:
        return int(str(value).split(",")[0])
    except ValueError:
        return None


def _min_copies(unit_length: int) -> int:
    return HOMOPOLYMER_MIN_COPIES if unit_length == 1 else MICROSATELLITE_MIN_COPIES


def _is_microsatellite(unit: str, copies: int | None) -> bool:
    if not unit or len(unit) > MICROSATELLITE_MAX_UNIT or copies is None:
        return False
    return copies >= _min_copies(len(unit))


def _caller_repeat(info: Mapping[str, object]) -> bool | None:
    """True/False from caller annotation, None when the record carries none."""
    if not any(key in info for key in REPEAT_KEYS):
        return None
    unit = str(info.get("RU") or "")
    if "REFREP" in info:  # Strelka2
        return _is_microsatellite(unit, _first_int(info.get("REFREP")))
    if "RPA" in info and unit:  # Mutect2 with copy numbers
        return _is_microsatellite(unit, _first_int(info.get("RPA")))
    return info.get("STR", False) is not False  # Mutect2's flag alone (read back as '')


def _period(seq: str) -> str:
    for size in range(1, len(seq) + 1):
        if len(seq) % size == 0 and seq[:size] * (len(seq) // size) == seq:
            return seq[:size]
    return seq


def _reference_repeat(v: MsiInput, fetch: ReferenceFetch) -> bool | None:
    """Whether the indel's unit repeats in the reference around it; None if unknown."""
    ref, alt = v.ref.upper(), v.alt.upper()
    if not ref or not alt or ref[0] != alt[0]:
        return None  # not a VCF-anchored simple indel
    changed = alt[1:] if len(alt) > len(ref) else ref[1:]
    if not changed or len(ref) > 1 and len(alt) > 1:
        return None
    unit = _period(changed)
    if len(unit) > MICROSATELLITE_MAX_UNIT:
        return False
    right = fetch(v.chrom, v.pos + 1, v.pos + REFERENCE_WINDOW)
    left = fetch(v.chrom, max(1, v.pos - REFERENCE_WINDOW + 1), v.pos)
    if right is None or left is None:
        return None
    right, left = right.upper(), left.upper()
    copies = 0
    while right.startswith(unit * (copies + 1)):
        copies += 1
    back = 0
    while left.endswith(unit * (back + 1)):
        back += 1
    return _is_microsatellite(unit, copies + back)


def estimate_msi(
    variants: Iterable[MsiInput],
    *,
    territory_mb: float,
    reference: ReferenceFetch | None = None,
    repeat_annotation: bool | None = None,
) -> MsiResult:
    """Somatic PASS indels in microsatellites per Mb of ``territory_mb``; MSI-H at 0.395 or more.

    Repeat context comes from the caller's INFO (Mutect2 STR/RU/RPA, Strelka2 RU/REFREP) when
    present, else from ``reference(chrom, start, end)`` (1-based inclusive sequence, or None
    when the region is unavailable). ``repeat_annotation=True`` says the caller annotates every
    indel in a repeat (so an indel without the keys is not in one); None infers it from the
    records. Without caller annotation and without a reference the status is not evaluable.
    """
    if territory_mb <= 0:
        raise ValueError("territory_mb must be positive")
    indels: list[MsiInput] = [
        v for v in variants if v.passed and v.origin == "somatic" and len(v.ref) != len(v.alt)
    ]
    annotated = repeat_annotation
    if annotated is None:
        annotated = any(_caller_repeat(v.info) is not None for v in indels) or None
    in_repeats = 0
    unknown = 0
    for v in indels:
        verdict = _caller_repeat(v.info)
        if verdict is None and annotated:
            verdict = False
        if verdict is None and reference is not None:
            verdict = _reference_repeat(v, reference)
        if verdict is None:
            unknown += 1
        elif verdict:
            in_repeats += 1
    source = (
        "the variant caller's repeat annotation"
        if annotated
        else ("the reference sequence around each indel" if reference is not None else None)
    )
    unit = "indels in repeats/Mb"
    base_limits = (
        "An estimate from variant calls, not a validated MSI assay (PCR or MSIsensor-type "
        "read-length analysis); the threshold was calibrated on exomes and is unreliable for "
        "small panels (few repeats sampled) and low tumour purity; MSI-L is not distinguished."
    )
    if source is None or (indels and unknown == len(indels)):
        return MsiResult(
            status=NOT_EVALUABLE,
            score=None,
            unit=unit,
            method="No repeat context: the caller gave no STR/RU/RPA/REFREP annotation and no "
            "reference sequence was available.",
            indels_in_repeats=0,
            limits=base_limits,
            indels_total=len(indels),
            indels_without_context=unknown,
        )
    score = round(in_repeats / territory_mb, 3)
    method = (
        f"Counted {in_repeats} of {len(indels)} PASS somatic indels lying in microsatellites "
        f"(a 1-bp unit repeated at least {HOMOPOLYMER_MIN_COPIES} times or a 2-"
        f"{MICROSATELLITE_MAX_UNIT} bp unit at least {MICROSATELLITE_MIN_COPIES} times), judged "
        f"from {source}, over {territory_mb:g} Mb; MSI-H at {MSI_H_REPEAT_INDELS_PER_MB} or "
        "more per Mb (after MSIseq, Huang et al. 2015)."
    )
    limits = base_limits
    if unknown:
        limits += f" {unknown} indels had no repeat context and were not counted."
    share = in_repeats / len(indels) if indels else 0.0
    if score < MSI_H_REPEAT_INDELS_PER_MB:
        status = MSS
    elif share >= MSI_H_MIN_REPEAT_SHARE and in_repeats >= MSI_H_MIN_REPEAT_INDELS:
        status = MSI_HIGH
    else:
        status = INDETERMINATE
        method += (
            f" The rate reaches the threshold, but only {share:.0%} of the indels lie in repeats "
            f"(MSI-H needs at least {MSI_H_MIN_REPEAT_SHARE:.0%} and "
            f"{MSI_H_MIN_REPEAT_INDELS} repeat indels): confirm with an MSI assay."
        )
    return MsiResult(
        status=status,
        score=score,
        unit=unit,
        method=method,
        indels_in_repeats=in_repeats,
        limits=limits,
        indels_total=len(indels),
        indels_without_context=unknown,
    )


# --- Shared vocabulary ---------------------------------------------------------------------


def biomarker_alterations(tmb: TmbResult | None, msi: MsiResult | None) -> list[Alteration]:
    """TMB and MSI as :class:`Alteration` (kind BIOMARKER, gene "TMB"/"MSI"); a not-evaluable
    MSI yields nothing to match on."""
    out: list[Alteration] = []
    if tmb is not None:
        out.append(Alteration(gene="TMB", kind=BIOMARKER, value=tmb.value, status=tmb.status))
    if msi is not None and msi.status not in (NOT_EVALUABLE, INDETERMINATE):
        out.append(Alteration(gene="MSI", kind=BIOMARKER, value=msi.score, status=msi.status))
    return out
