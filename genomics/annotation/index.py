"""The compact transcript index: transcripts plus the genome sequence around their exons.

``build_index`` reads a GTF or GFF3 and an indexed FASTA (whole genome, or region records named
``chrN:start-end`` like the LRG files) and writes one gzip JSON file; ``TranscriptIndex.load``
reads it back into :class:`Transcript` objects ready for :mod:`genomics.annotation.annotator`.
Coordinates are 1-based inclusive genome positions on the + strand; chromosome names are
stored without ``chr`` (``"7"``, ``"X"``, ``"MT"``). Plain Python, no Django.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from genomics.annotation.hgvs import CODON_TABLE, revcomp, translate

FORMAT = "dart-transcript-index"
FORMAT_VERSION = 1
# Sequence kept on each side of every exon: enough for splice regions and for 3' shifting
# of the indels an exome captures; deeper intronic indels shift only up to this edge.
FLANK = 150
_REGION_RE = re.compile(r"^(.+):(\d+)-(\d+)$")
_GTF_ATTR_RE = re.compile(r'\s*([^\s;]+)\s+"?([^";]*)"?\s*;?')


def norm_chrom(chrom: str) -> str:
    """``chr7`` / ``7`` -> ``7``; ``chrM`` / ``M`` -> ``MT``."""
    if chrom[:3].lower() == "chr":
        chrom = chrom[3:]
    return "MT" if chrom == "M" else chrom


@dataclass(eq=False)
class Transcript:
    """One transcript. ``exons`` are genome-ordered ``(start, end)``; the CDS bounds include
    the stop codon; ``seq`` is the spliced cDNA in transcript orientation (None if the index
    holds no sequence for it)."""

    id: str
    gene: str
    chrom: str
    strand: int
    exons: tuple[tuple[int, int], ...]
    cds_start: int | None = None
    cds_end: int | None = None
    biotype: str = "protein_coding"
    alias: str | None = None
    mane_select: bool = False
    canonical: bool = False
    mane_ids: tuple[str, ...] = ()
    exon_labels: tuple[str, ...] = ()
    seq: str | None = None
    # derived in __post_init__
    start: int = 0
    end: int = 0
    ex_starts: list[int] = field(default_factory=list)
    ex_ends: list[int] = field(default_factory=list)
    cdna_at: list[int] = field(default_factory=list)  # 0-based cDNA index of each exon's 5' base
    cds_off: int | None = None  # 0-based cDNA index of c.1
    cds_last: int | None = None  # 0-based cDNA index of the stop codon's last base
    _protein: str | None = None

    def __post_init__(self) -> None:
        self.ex_starts = [s for s, _ in self.exons]
        self.ex_ends = [e for _, e in self.exons]
        self.start, self.end = self.ex_starts[0], self.ex_ends[-1]
        order = range(len(self.exons)) if self.strand > 0 else range(len(self.exons) - 1, -1, -1)
        at = [0] * len(self.exons)
        n = 0
        for i in order:
            at[i] = n
            n += self.exons[i][1] - self.exons[i][0] + 1
        self.cdna_at = at
        self.length = n
        if self.cds_start is not None and self.cds_end is not None:
            lo, hi = self.cdna(self.cds_start), self.cdna(self.cds_end)
            if lo is not None and hi is not None:
                self.cds_off, self.cds_last = min(lo, hi), max(lo, hi)

    @property
    def coding(self) -> bool:
        return self.cds_off is not None

    def cdna(self, g: int) -> int | None:
        """Genome position -> 0-based cDNA index, or None when ``g`` is not exonic."""
        i = bisect.bisect_right(self.ex_starts, g) - 1
        if i < 0 or g > self.ex_ends[i]:
            return None
        if self.strand > 0:
            return self.cdna_at[i] + g - self.ex_starts[i]
        return self.cdna_at[i] + self.ex_ends[i] - g

    @property
    def protein(self) -> str:
        """Translation of the CDS including the stop codon (``*``), cached."""
        if self._protein is None:
            if self.seq is None or self.cds_off is None or self.cds_last is None:
                self._protein = ""
            else:
                self._protein = translate(self.seq[self.cds_off : self.cds_last + 1])
        return self._protein


class Genome:
    """Sequence segments per chromosome with bisect lookup (+ strand, upper case)."""

    def __init__(self, segments: dict[str, list[tuple[int, str]]]) -> None:
        self.starts: dict[str, list[int]] = {}
        self.seqs: dict[str, list[str]] = {}
        for chrom, segs in segments.items():
            segs = sorted(segs)
            self.starts[chrom] = [s for s, _ in segs]
            self.seqs[chrom] = [q for _, q in segs]

    def segment(self, chrom: str, pos: int) -> tuple[int, str] | None:
        """The ``(start, sequence)`` segment holding ``pos``, or None."""
        starts = self.starts.get(chrom)
        if not starts:
            return None
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0:
            return None
        seq = self.seqs[chrom][i]
        if pos >= starts[i] + len(seq):
            return None
        return starts[i], seq

    def fetch(self, chrom: str, start: int, end: int) -> str | None:
        """Bases ``start..end`` (1-based inclusive), or None if not all are held."""
        seg = self.segment(chrom, start)
        if seg is None:
            return None
        s, seq = seg
        if end - s + 1 > len(seq):
            return None
        return seq[start - s : end - s + 1]


@dataclass
class TranscriptIndex:
    """A loaded index: metadata, transcripts and sequence."""

    name: str
    version: str
    assembly: str
    transcripts: list[Transcript]
    genome: Genome
    meta: dict

    @classmethod
    def load(cls, path: str | Path) -> TranscriptIndex:
        """Read an index file written by :func:`build_index`."""
        path = Path(path)
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path.name} is not a DART transcript index")
        if data.get("format_version", 0) > FORMAT_VERSION:
            raise ValueError(f"{path.name} was written by a newer DART (index format too new)")
        genome = Genome({c: [(s, q) for s, q in segs] for c, segs in data["sequence"].items()})
        txs = []
        for r in data["transcripts"]:
            exons = tuple((r["exons"][i], r["exons"][i + 1]) for i in range(0, len(r["exons"]), 2))
            t = Transcript(
                id=r["id"],
                gene=r["gene"],
                chrom=r["chrom"],
                strand=r["strand"],
                exons=exons,
                cds_start=r.get("cds_start"),
                cds_end=r.get("cds_end"),
                biotype=r.get("biotype", "protein_coding"),
                alias=r.get("alias"),
                mane_select=r.get("mane_select", False),
                canonical=r.get("canonical", False),
                mane_ids=tuple(r.get("mane_ids", ())),
                exon_labels=tuple(r.get("labels", ())),
            )
            t.seq = _splice(genome, t)
            txs.append(t)
        meta = {k: v for k, v in data.items() if k not in ("transcripts", "sequence")}
        return cls(data["name"], data["version"], data["assembly"], txs, genome, meta)


def _splice(genome: Genome, t: Transcript) -> str | None:
    parts = []
    for s, e in t.exons:
        part = genome.fetch(t.chrom, s, e)
        if part is None:
            return None
        parts.append(part)
    seq = "".join(parts)
    return seq if t.strand > 0 else revcomp(seq)


# --------------------------------------------------------------------------- building


def _open_text(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _attrs(text: str) -> dict[str, str]:
    if "=" in text and '"' not in text:  # GFF3
        out = {}
        for part in text.strip().strip(";").split(";"):
            if "=" in part:
                k, v = part.split("=", 1)
                out[k.strip()] = v.strip()
        return out
    out: dict[str, str] = {}
    for m in _GTF_ATTR_RE.finditer(text):
        k, v = m.group(1), m.group(2)
        if k == "tag":
            out["tag"] = f"{out['tag']},{v}" if "tag" in out else v
        elif k not in out:
            out[k] = v
    return out


@dataclass
class _Raw:
    key: str
    chrom: str = ""
    strand: int = 1
    attrs: dict = field(default_factory=dict)
    exons: list = field(default_factory=list)
    cds: list = field(default_factory=list)


def read_gtf(path: Path) -> list[_Raw]:
    """GTF or GFF3 -> raw transcripts (exon and CDS/stop_codon intervals, attributes)."""
    raws: dict[str, _Raw] = {}
    gff_gene_names: dict[str, str] = {}
    gff_parent: dict[str, str] = {}
    with _open_text(path) as fh:
        for line in fh:
            if not line or line[0] == "#":
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) < 9:
                continue
            kind = f[2]
            a = _attrs(f[8])
            if "ID" in a or "Parent" in a:  # GFF3
                if kind == "gene":
                    gff_gene_names[a.get("ID", "")] = a.get("Name") or a.get("gene", "")
                    continue
                if kind in ("mRNA", "transcript", "lnc_RNA", "ncRNA", "NMD_transcript_variant"):
                    key = a["ID"]
                    gff_parent[key] = a.get("Parent", "")
                    r = raws.setdefault(key, _Raw(key))
                    r.chrom, r.strand, r.attrs = f[0], (1 if f[6] == "+" else -1), a
                    continue
                parents = a.get("Parent", "").split(",")
            else:
                if "transcript_id" not in a:
                    continue
                # keyed with the chromosome: PAR genes carry one id on X and Y
                parents = [f"{a['transcript_id']}@{f[0]}"]
            if kind not in ("exon", "CDS", "stop_codon", "transcript"):
                continue
            for p in parents:
                r = raws.setdefault(p, _Raw(p))
                r.chrom, r.strand = f[0], (1 if f[6] == "+" else -1)
                if kind == "transcript":
                    r.attrs.update(a)
                elif kind == "exon":
                    r.exons.append((int(f[3]), int(f[4]), a.get("exon_number", "")))
                    for k, v in a.items():
                        r.attrs.setdefault(k, v)
                else:
                    r.cds.append((int(f[3]), int(f[4])))
    for key, r in raws.items():
        if key in gff_parent and "gene_name" not in r.attrs:
            r.attrs["gene_name"] = r.attrs.get("gene") or gff_gene_names.get(gff_parent[key], "")
    return [r for r in raws.values() if r.exons]


def _transcript_id(a: dict[str, str], key: str) -> tuple[str, str | None]:
    """(versioned id shown to users, alias)."""
    tid = a.get("transcript_id") or a.get("Name") or key.split("@")[0]
    if a.get("refseq_transcript") and tid.startswith("LRG_"):
        return a["refseq_transcript"], tid
    if "." not in tid and a.get("transcript_version"):
        tid = f"{tid}.{a['transcript_version']}"
    return tid, None


class _Fasta:
    """Whole-genome or region-record FASTA behind one ``fetch(chrom, start, end)``."""

    def __init__(self, path: Path) -> None:
        import pysam  # only the builder needs htslib

        self.fa = pysam.FastaFile(str(path))
        self.records: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for name, length in zip(self.fa.references, self.fa.lengths):
            m = _REGION_RE.match(name)
            if m:
                self.records[norm_chrom(m.group(1))].append(
                    (int(m.group(2)), int(m.group(3)), name)
                )
            else:
                self.records[norm_chrom(name)].append((1, length, name))
        for recs in self.records.values():
            recs.sort()

    def pieces(self, chrom: str, start: int, end: int) -> list[tuple[int, str]]:
        """Every held part of ``start..end`` as ``(start, sequence)``."""
        out = []
        pos = start  # records may overlap (genes that overlap); take each base once
        for s, e, name in self.records.get(chrom, ()):
            lo, hi = max(s, pos), min(e, end)
            if lo <= hi:
                out.append((lo, self.fa.fetch(name, lo - s, hi - s + 1).upper()))
                pos = hi + 1
        # adjacent pieces -> one
        merged: list[tuple[int, str]] = []
        for lo, q in out:
            if merged and merged[-1][0] + len(merged[-1][1]) == lo:
                merged[-1] = (merged[-1][0], merged[-1][1] + q)
            else:
                merged.append((lo, q))
        return merged


def _read_mane(path: Path | None) -> dict[str, tuple[str, list[str]]]:
    """MANE summary -> {unversioned accession: (status, [RefSeq id, Ensembl id])}."""
    if path is None:
        return {}
    out: dict[str, tuple[str, list[str]]] = {}
    with _open_text(Path(path)) as fh:
        header = fh.readline().lstrip("#").rstrip("\n").split("\t")
        col = {h: i for i, h in enumerate(header)}
        for line in fh:
            f = line.rstrip("\n").split("\t")
            ids = [f[col["RefSeq_nuc"]], f[col["Ensembl_nuc"]]]
            for i in ids:
                out[i.split(".")[0]] = (f[col["MANE_status"]], ids)
    return out


def build_index(
    *,
    assembly: str,
    gtf: str | Path,
    fasta: str | Path,
    out: str | Path,
    genes: Iterable[str] | None = None,
    mane: str | Path | None = None,
    name: str | None = None,
    version: str | None = None,
    flank: int = FLANK,
) -> Path:
    """GTF/GFF3 + indexed FASTA (+ optional MANE summary) -> a gzip JSON index at ``out``.

    ``genes`` limits the index to those symbols. Transcripts whose exons the FASTA does not
    hold are left out and listed in the file's ``skipped`` field. Returns ``out``.
    """
    gtf, fasta, out = Path(gtf), Path(fasta), Path(out)
    wanted = {g.strip().upper() for g in genes} if genes else None
    mane_map = _read_mane(Path(mane) if mane else None)
    fa = _Fasta(fasta)
    records = []
    skipped = []
    intervals: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for raw in read_gtf(gtf):
        a = raw.attrs
        gene = a.get("gene_name") or a.get("gene") or a.get("gene_id", "")
        if wanted is not None and gene.upper() not in wanted:
            continue
        tid, alias = _transcript_id(a, raw.key)
        chrom = norm_chrom(raw.chrom)
        exons = sorted((s, e) for s, e, _ in raw.exons)
        labels = [lab for _, _, lab in sorted(raw.exons)]
        if raw.strand < 0:
            labels.reverse()
        rec = {
            "id": tid,
            "gene": gene,
            "chrom": chrom,
            "strand": raw.strand,
            "exons": [x for ex in exons for x in ex],
            "biotype": a.get("transcript_biotype")
            or a.get("transcript_type")
            or ("protein_coding" if raw.cds else "non_coding"),
        }
        if alias:
            rec["alias"] = alias
        if any(labels):
            rec["labels"] = labels
        if raw.cds:
            rec["cds_start"] = min(s for s, _ in raw.cds)
            rec["cds_end"] = max(e for _, e in raw.cds)
        tags = a.get("tag", "")
        hit = mane_map.get(tid.split(".")[0])
        rec["mane_select"] = (
            "MANE_Select" in tags or "MANE Select" in tags or bool(hit and hit[0] == "MANE Select")
        )
        if hit:
            rec["mane_ids"] = hit[1]
        rec["canonical"] = rec["mane_select"] or "Ensembl_canonical" in tags
        if not all(fa.pieces(chrom, s, e) and _held(fa, chrom, s, e) for s, e in exons):
            skipped.append(tid)
            continue
        records.append(rec)
        for s, e in exons:
            intervals[chrom].append((max(1, s - flank), e + flank))
    _fix_stop_codons(records, fa)
    _pick_canonical(records)
    sequence: dict[str, list[tuple[int, str]]] = {}
    for chrom, ivs in intervals.items():
        merged: list[list[int]] = []
        for s, e in sorted(ivs):
            if merged and s <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        segs = []
        for s, e in merged:
            segs.extend(fa.pieces(chrom, s, e))
        sequence[chrom] = segs
    records.sort(key=lambda r: (r["chrom"], r["exons"][0], r["id"]))
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name or f"{gtf.name.split('.')[0]}-{assembly}",
        "version": version or date.today().isoformat(),
        "assembly": assembly,
        "built_from": {
            "gtf": gtf.name,
            "gtf_sha256": _sha256(gtf),
            "fasta": fasta.name,
            "mane": Path(mane).name if mane else None,
        },
        "flank": flank,
        "genes": sorted({r["gene"] for r in records}),
        "skipped": skipped,
        "transcripts": records,
        "sequence": sequence,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(data, fh, separators=(",", ":"))
    return out


def _held(fa: _Fasta, chrom: str, s: int, e: int) -> bool:
    return sum(len(q) for _, q in fa.pieces(chrom, s, e)) == e - s + 1


def _fix_stop_codons(records: list[dict], fa: _Fasta) -> None:
    """GTFs that leave the stop codon out of CDS *and* omit stop_codon lines: extend by 3."""
    for r in records:
        if "cds_start" not in r:
            continue
        if r["strand"] > 0:
            codon = "".join(q for _, q in fa.pieces(r["chrom"], r["cds_end"] - 2, r["cds_end"]))
            nxt = "".join(q for _, q in fa.pieces(r["chrom"], r["cds_end"] + 1, r["cds_end"] + 3))
        else:
            codon = revcomp(
                "".join(q for _, q in fa.pieces(r["chrom"], r["cds_start"], r["cds_start"] + 2))
            )
            nxt = revcomp(
                "".join(q for _, q in fa.pieces(r["chrom"], r["cds_start"] - 3, r["cds_start"] - 1))
            )
        if CODON_TABLE.get(codon) != "*" and CODON_TABLE.get(nxt) == "*":
            if r["strand"] > 0:
                r["cds_end"] += 3
            else:
                r["cds_start"] -= 3


def _pick_canonical(records: list[dict]) -> None:
    """Genes without a MANE/canonical transcript: the first-listed coding one is canonical."""
    by_gene: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_gene[r["gene"]].append(r)
    for recs in by_gene.values():
        if any(r["canonical"] for r in recs):
            continue
        coding = [r for r in recs if "cds_start" in r] or recs
        coding[0]["canonical"] = True


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
