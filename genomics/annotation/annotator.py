"""Offline variant annotation: consequence, HGVS ``c.``/``p.``, exon/intron and codon.

``default_annotator("GRCh38")`` loads the bundled index once per process;
``load_annotator(path)`` loads a site's own index built by ``reference_build``.
``Annotator.annotate(chrom, pos, ref, alt)`` takes one VCF allele and returns a
:class:`VariantAnnotation`, or None when no indexed transcript lies within 5 kb (the caller
counts those as "not annotated"). Plain Python, no Django.

Consequences follow Ensembl VEP 105+ (SO terms, 5 kb up/downstream, splice donor 5th base,
donor region and polypyrimidine tract terms); they are computed on the variant as given
(trimmed to its minimal form), while HGVS ``c.`` is shifted 3' along the transcript as HGVS
requires, and ``p.`` is derived by comparing the reference and the mutant protein.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from genomics.annotation import consequence as so
from genomics.annotation.hgvs import CODON_TABLE, THREE, p_change, revcomp, to_short, translate
from genomics.annotation.index import Transcript, TranscriptIndex, norm_chrom

DISTANCE = 5000  # VEP's default up/downstream window
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
BUNDLED = {
    "GRCh38": DATA_DIR / "dart_transcripts.GRCh38.json.gz",
    "GRCh37": DATA_DIR / "dart_transcripts.GRCh37.json.gz",
}
_ASSEMBLY_ALIASES = {"grch38": "GRCh38", "hg38": "GRCh38", "grch37": "GRCh37", "hg19": "GRCh37"}


@dataclass(frozen=True)
class TranscriptAnnotation:
    """The effect of one allele on one transcript."""

    gene: str
    transcript: str  # versioned RefSeq or Ensembl id
    consequence: tuple[str, ...]  # SO terms, most severe first
    hgvsc: str | None  # "c.1799T>A" (no transcript prefix)
    hgvsp: str | None  # "p.Val600Glu"
    hgvsp_short: str | None  # "p.V600E"
    exon: str | None  # "15/18"
    intron: str | None  # "12/17"
    codon: int | None  # protein position of the first affected codon
    mane_select: bool
    canonical: bool
    impact: str | None
    biotype: str | None = None
    distance: int | None = None  # up/downstream distance to the transcript
    mane_ids: tuple[str, ...] = ()  # current MANE RefSeq/Ensembl ids with the same accession
    alias: str | None = None  # e.g. the LRG transcript id


@dataclass(frozen=True)
class VariantAnnotation:
    """All transcript effects of one allele, the clinically chosen one first."""

    chosen: TranscriptAnnotation  # MANE Select, else canonical, else most severe
    transcripts: tuple[TranscriptAnnotation, ...]  # all, chosen first
    source: str  # "vep" | "snpeff" | "dart"


def choose(items: list[TranscriptAnnotation]) -> list[TranscriptAnnotation]:
    """Order transcript effects: MANE Select, then canonical, then by severity (stable)."""
    return sorted(
        items,
        key=lambda a: (
            not a.mane_select,
            not a.canonical,
            so.rank(a.consequence[0]) if a.consequence else 999,
        ),
    )


class Annotator:
    """Annotates VCF alleles over one :class:`TranscriptIndex` (see module docstring)."""

    def __init__(self, index: TranscriptIndex) -> None:
        self.index = index
        self.name = index.name
        self.version = index.version
        self.assembly = index.assembly
        self._genes = frozenset(t.gene for t in index.transcripts)
        by_chrom: dict[str, list[Transcript]] = {}
        for t in index.transcripts:
            by_chrom.setdefault(t.chrom, []).append(t)
        self._starts: dict[str, list[int]] = {}
        self._txs: dict[str, list[Transcript]] = {}
        self._maxlen: dict[str, int] = {}
        for chrom, txs in by_chrom.items():
            txs.sort(key=lambda t: t.start)
            self._txs[chrom] = txs
            self._starts[chrom] = [t.start - DISTANCE for t in txs]
            self._maxlen[chrom] = max(t.end - t.start + 1 + 2 * DISTANCE for t in txs)

    def genes(self) -> frozenset[str]:
        """Gene symbols the index holds transcripts for."""
        return self._genes

    def transcripts_at(self, chrom: str, start: int, end: int) -> list[Transcript]:
        """Transcripts whose span +- 5 kb overlaps ``start..end`` (bisect on padded starts)."""
        starts = self._starts.get(chrom)
        if starts is None:
            return []
        hi = bisect.bisect_right(starts, end)
        lo = bisect.bisect_left(starts, start - self._maxlen[chrom])
        return [t for t in self._txs[chrom][lo:hi] if t.end + DISTANCE >= start]

    def annotate(self, chrom: str, pos: int, ref: str, alt: str) -> VariantAnnotation | None:
        """One VCF allele -> its annotation, or None when outside the index or not a
        sequence allele (symbolic ``<DEL>``, breakends, ``*``)."""
        chrom = norm_chrom(chrom)
        ref, alt = ref.upper(), alt.upper()
        if not alt or alt[0] in "<.*" or "[" in alt or "]" in alt or not ref or ref[0] in "<.":
            return None
        # minimal representation: common prefix, then common suffix
        i = 0
        n = min(len(ref), len(alt))
        while i < n and ref[i] == alt[i]:
            i += 1
        if i:
            ref, alt, pos = ref[i:], alt[i:], pos + i
        j = 0
        n = min(len(ref), len(alt))
        while j < n and ref[-1 - j] == alt[-1 - j]:
            j += 1
        if j:
            ref, alt = ref[: len(ref) - j], alt[: len(alt) - j]
        if not ref and not alt:
            return None
        vs, ve = pos, pos + len(ref) - 1  # insertion: ve = vs - 1
        txs = self.transcripts_at(chrom, min(vs, ve), max(vs, ve))
        if not txs:
            return None
        results = [self._one(t, vs, ve, ref, alt) for t in txs]
        ordered = choose(results)
        return VariantAnnotation(ordered[0], tuple(ordered), "dart")

    # ------------------------------------------------------------------ per transcript

    def _one(self, t: Transcript, vs: int, ve: int, ref: str, alt: str) -> TranscriptAnnotation:
        if ve < t.start or vs > t.end:
            upstream = (ve < t.start) == (t.strand > 0)
            dist = t.start - ve if ve < t.start else vs - t.end
            terms = ("upstream_gene_variant",) if upstream else ("downstream_gene_variant",)
            return self._make(t, terms, None, None, None, None, None, distance=dist)
        terms: set[str] = set()
        ex_starts, ex_ends = t.ex_starts, t.ex_ends
        n_ex = len(ex_starts)
        plus = t.strand > 0
        lo = bisect.bisect_right(ex_ends, vs - 1)  # first exon ending at/after vs
        hi = bisect.bisect_right(ex_starts, ve) - 1  # last exon starting at/before ve
        hit_exons = [k for k in range(lo, hi + 1) if ve >= ex_starts[k] and vs <= ex_ends[k]]
        within_exon = len(hit_exons) == 1 and (
            ex_starts[hit_exons[0]] <= vs and ve <= ex_ends[hit_exons[0]]
        )
        introns = []
        # introns touched: between exon k and k+1, genomic [ex_ends[k]+1, ex_starts[k+1]-1]
        for k in range(max(lo - 1, 0), min(hi + 1, n_ex - 1)):
            s, e = ex_ends[k] + 1, ex_starts[k + 1] - 1
            if ve >= s - 8 and vs <= e + 8:
                introns.append((k, s, e))
        for _k, s, e in introns:
            if plus:
                donor, acceptor, d5 = (s, s + 1), (e - 1, e), s + 4
                dreg, ppt = (s + 2, s + 5), (e - 16, e - 2)
                acc_region, donor_region = (e - 7, e - 2), (s + 6, s + 7)
            else:
                donor, acceptor, d5 = (e - 1, e), (s, s + 1), e - 4
                dreg, ppt = (e - 5, e - 2), (s + 2, s + 16)
                acc_region, donor_region = (s + 2, s + 7), (e - 7, e - 6)
            if ve >= donor[0] and vs <= donor[1]:
                terms.add("splice_donor_variant")
            if ve >= acceptor[0] and vs <= acceptor[1]:
                terms.add("splice_acceptor_variant")
            if ve >= d5 and vs <= d5:
                terms.add("splice_donor_5th_base_variant")
            elif ve >= dreg[0] and vs <= dreg[1]:
                terms.add("splice_donor_region_variant")
            if ve >= ppt[0] and vs <= ppt[1]:
                terms.add("splice_polypyrimidine_tract_variant")
            if ve >= s + 2 and vs <= e - 2:
                terms.add("intron_variant")
            # exon side 1-3 bases, intron side 3-8 (donor 3-6 has its own terms since VEP 105)
            if (
                (ve >= s - 3 and vs <= s - 1)
                or (ve >= e + 1 and vs <= e + 3)
                or (ve >= acc_region[0] and vs <= acc_region[1])
                or (ve >= donor_region[0] and vs <= donor_region[1])
            ) and not (vs == ve and terms & {"splice_donor_variant", "splice_acceptor_variant"}):
                terms.add("splice_region_variant")
        if not hit_exons and "intron_variant" not in terms and not terms:
            terms.add("intron_variant")
        exon_no = intron_no = None
        if hit_exons:
            nums = [(k + 1) if plus else (n_ex - k) for k in hit_exons]
            exon_no = _num_range(min(nums), max(nums), n_ex)
        touched = [k for k, s, e in introns if ve >= s and vs <= e]
        if touched:
            nums = [(k + 1) if plus else (n_ex - 1 - k) for k in touched]
            intron_no = _num_range(min(nums), max(nums), n_ex - 1)
        hgvsp = None
        codon = None
        if hit_exons:
            if not t.coding:
                terms.add("non_coding_transcript_exon_variant")
            elif within_exon and t.seq is not None:
                hgvsp, codon = self._coding(t, vs, ve, ref, alt, terms)
            else:
                terms.add("coding_sequence_variant")
        if not t.coding and not hit_exons:
            terms.add("non_coding_transcript_variant")
        hgvsc = self._hgvsc(t, vs, ve, ref, alt)
        return self._make(t, tuple(terms), hgvsc, hgvsp, exon_no, intron_no, codon)

    def _coding(
        self, t: Transcript, vs: int, ve: int, ref: str, alt: str, terms: set[str]
    ) -> tuple[str | None, int | None]:
        """Exonic variant in a coding transcript: adds terms, returns (hgvsp, codon)."""
        plus = t.strand > 0
        if plus:
            s = t.cdna(vs) if ref else t.cdna(ve) + 1  # type: ignore[operator]
            r_t, a_t = ref, alt
        else:
            s = t.cdna(ve) if ref else t.cdna(vs) + 1  # type: ignore[operator]
            r_t, a_t = revcomp(ref), revcomp(alt)
        e = s + len(r_t)  # [s, e) in cDNA
        off, last = t.cds_off, t.cds_last
        assert off is not None and last is not None and s is not None
        if e <= off:
            terms.add("5_prime_UTR_variant")
            return None, None
        if s > last or (not r_t and s == last + 1):
            terms.add("3_prime_UTR_variant")
            return None, None
        seq = t.seq
        assert seq is not None
        cs, ce = s - off, e - off
        prot = t.protein
        if cs < 0:
            terms.add("5_prime_UTR_variant")
            if ce > 0:
                terms.add("start_lost")
                return "p.Met1?", 1
            return None, None
        k = cs // 3
        codon = k + 1
        if len(r_t) == 1 and len(a_t) == 1:  # SNV fast path
            b = off + 3 * k
            ref_codon = seq[b : b + 3]
            i = cs - 3 * k
            mut_codon = ref_codon[:i] + a_t + ref_codon[i + 1 :]
            aa_r = CODON_TABLE.get(ref_codon, "X")
            aa_m = CODON_TABLE.get(mut_codon, "X")
            if k == 0 and aa_r == "M" and aa_m != "M":
                terms.add("start_lost")
                return "p.Met1?", codon
            if aa_r == aa_m:
                if aa_r == "*":
                    terms.add("stop_retained_variant")
                elif k == 0 and aa_r == "M":
                    terms.add("start_retained_variant")
                else:
                    terms.add("synonymous_variant")
                return f"p.{THREE[aa_r]}{codon}=", codon
            if aa_m == "*":
                terms.add("stop_gained")
                return f"p.{THREE.get(aa_r, 'Xaa')}{codon}Ter", codon
            if aa_r == "*":
                terms.add("stop_lost")
                mut = prot[:k] + translate(mut_codon + seq[b + 3 :], to_stop=True)
                hgvsp, _ = p_change(prot, mut)
                return hgvsp, codon
            terms.add("missense_variant")
            return f"p.{THREE.get(aa_r, 'Xaa')}{codon}{THREE.get(aa_m, 'Xaa')}", codon
        ext = seq[off:]
        frameshift = (len(a_t) - len(r_t)) % 3 != 0
        if k == 0 and cs < 3 and not ext[:3] == (ext[:cs] + a_t + ext[ce:])[:3]:
            terms.add("start_lost")
            if frameshift:
                terms.add("frameshift_variant")
            return "p.Met1?", codon
        if frameshift:
            mut = prot[:k] + translate(ext[3 * k : cs] + a_t + ext[ce:], to_stop=True)
            hgvsp, kind = p_change(prot, mut, frameshift=True)
            terms.add("frameshift_variant")  # VEP adds no stop_gained to a frameshift
            if kind == "stop_lost":
                terms.add("stop_lost")
            return hgvsp, codon
        kend = -(-max(ce, cs + 1) // 3)
        stop_at = len(prot) - 1
        truncated = False
        if kend > stop_at:
            mut = prot[:k] + translate(ext[3 * k : cs] + a_t + ext[ce:], to_stop=True)
        else:
            window = translate(ext[3 * k : cs] + a_t + ext[ce : 3 * kend])
            star = window.find("*")
            truncated = star >= 0
            mut = prot[:k] + window[: star + 1] if truncated else prot[:k] + window + prot[kend:]
        hgvsp, kind = p_change(prot, mut, truncated=truncated)
        if kind == "synonymous":
            aa = prot[k] if k < len(prot) else "*"
            if aa == "*":
                terms.add("stop_retained_variant")
            else:
                terms.add("synonymous_variant")
            return f"p.{THREE.get(aa, 'Xaa')}{codon}=", codon
        if kind == "stop_retained":
            terms.add("stop_retained_variant")
        elif kind == "stop_gained":
            terms.add("stop_gained")
            if len(r_t) != len(a_t):
                terms.add("inframe_deletion" if len(r_t) > len(a_t) else "inframe_insertion")
        elif kind == "stop_lost":
            terms.add("stop_lost")
            if len(r_t) != len(a_t):
                terms.add("inframe_deletion" if len(r_t) > len(a_t) else "inframe_insertion")
        elif kind == "start_lost":
            terms.add("start_lost")
        elif kind == "missense":
            terms.add("missense_variant")
        elif len(r_t) > len(a_t):
            terms.add("inframe_deletion")
        elif len(r_t) < len(a_t):
            terms.add("inframe_insertion")
        elif kind == "delins":
            terms.add("missense_variant")
        else:
            terms.add("protein_altering_variant")
        return hgvsp, codon

    # ------------------------------------------------------------------ HGVS c.

    def _hgvsc(self, t: Transcript, vs: int, ve: int, ref: str, alt: str) -> str | None:
        if ref and alt and (len(ref) > 1 or len(alt) > 1):
            kind = "delins"
        elif ref and alt:
            kind = "sub"
        else:
            kind = "del" if ref else "ins"
            vs, ve, seq = self._shift(t, vs, ve, ref or alt, deletion=bool(ref))
            if kind == "ins":
                alt = seq
                n = len(seq)
                if t.strand > 0:
                    before = self.index.genome.fetch(t.chrom, vs - n, vs - 1)
                    if before == seq:
                        kind, vs, ve = "dup", vs - n, vs - 1
                else:
                    after = self.index.genome.fetch(t.chrom, ve + 1, ve + n)
                    if after == seq:
                        kind, vs, ve = "dup", ve + 1, ve + n
        if vs < t.start or ve > t.end or (kind == "ins" and (ve < t.start or vs > t.end)):
            return None
        a, b = self._c(t, vs), self._c(t, ve)
        if a is None or b is None:
            return None
        if t.strand < 0:
            a, b = b, a
            ref, alt = revcomp(ref), revcomp(alt)
        prefix = "c." if t.coding else "n."
        if kind == "sub":
            text = f"{a}{ref}>{alt}"
        elif kind == "ins":
            text = f"{b}_{a}ins{alt}"  # flanks: ve (5') and vs (3') in transcript order
        else:
            span = a if vs == ve else f"{a}_{b}"
            text = f"{span}{kind}{alt if kind == 'delins' else ''}"
        return prefix + text

    def _shift(
        self, t: Transcript, vs: int, ve: int, seq: str, *, deletion: bool
    ) -> tuple[int, int, str]:
        """Shift an indel 3' along the transcript (genome + for + strand, - for - strand)
        as far as the held sequence and the transcript allow; returns (vs, ve, sequence)."""
        seg = self.index.genome.segment(t.chrom, vs if deletion else max(ve, t.start))
        if seg is None:
            return vs, ve, seq
        s0, g = seg
        n = len(seq)
        if t.strand > 0:
            limit = min(s0 + len(g) - 1, t.end)
            if deletion:
                if ve > limit:
                    return vs, ve, seq
                while ve + 1 <= limit and g[vs - s0] == g[ve + 1 - s0]:
                    vs += 1
                    ve += 1
                return vs, ve, g[vs - s0 : ve - s0 + 1]
            while vs <= limit and seq[0] == g[vs - s0]:
                seq = seq[1:] + g[vs - s0]
                vs += 1
                ve += 1
            return vs, ve, seq
        limit = max(s0, t.start)
        if deletion:
            if ve >= s0 + len(g):
                return vs, ve, seq
            while vs - 1 >= limit and g[ve - s0] == g[vs - 1 - s0]:
                vs -= 1
                ve -= 1
            return vs, ve, g[vs - s0 : ve - s0 + 1]
        while ve >= limit and seq[-1] == g[ve - s0]:
            seq = g[ve - s0] + seq[:-1]
            vs -= 1
            ve -= 1
        return vs, ve, seq[:n]

    def _c(self, t: Transcript, g: int) -> str | None:
        """Genome position inside the transcript span -> ``c.``/``n.`` position text."""
        i = bisect.bisect_right(t.ex_starts, g) - 1
        if i < 0:
            return None
        if g <= t.ex_ends[i]:
            return _c_exonic(t, t.cdna(g))  # type: ignore[arg-type]
        if i + 1 >= len(t.ex_starts):
            return None
        up_g, down_g = t.ex_ends[i], t.ex_starts[i + 1]  # genomic neighbours
        d_left, d_right = g - up_g, down_g - g
        if t.strand > 0:
            if d_left <= d_right:
                return f"{_c_exonic(t, t.cdna(up_g))}+{d_left}"  # type: ignore[arg-type]
            return f"{_c_exonic(t, t.cdna(down_g))}-{d_right}"  # type: ignore[arg-type]
        if d_right <= d_left:
            return f"{_c_exonic(t, t.cdna(down_g))}+{d_right}"  # type: ignore[arg-type]
        return f"{_c_exonic(t, t.cdna(up_g))}-{d_left}"  # type: ignore[arg-type]

    def _make(self, t, terms, hgvsc, hgvsp, exon, intron, codon, distance=None):
        terms = so.sort_terms(terms)
        return TranscriptAnnotation(
            gene=t.gene,
            transcript=t.id,
            consequence=terms,
            hgvsc=hgvsc,
            hgvsp=hgvsp,
            hgvsp_short=to_short(hgvsp),
            exon=exon,
            intron=intron,
            codon=codon,
            mane_select=t.mane_select,
            canonical=t.canonical,
            impact=so.impact(terms),
            biotype=t.biotype,
            distance=distance,
            mane_ids=t.mane_ids,
            alias=t.alias,
        )


def _c_exonic(t: Transcript, n: int) -> str:
    if t.cds_off is None or t.cds_last is None:
        return str(n + 1)
    if n < t.cds_off:
        return f"-{t.cds_off - n}"
    if n > t.cds_last:
        return f"*{n - t.cds_last}"
    return str(n - t.cds_off + 1)


def _num_range(a: int, b: int, total: int) -> str:
    return f"{a}/{total}" if a == b else f"{a}-{b}/{total}"


def load_annotator(path: str | Path) -> Annotator:
    """A site's own index file (from ``reference_build``) -> an :class:`Annotator`."""
    return _load(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> Annotator:
    return Annotator(TranscriptIndex.load(path))


def default_annotator(assembly: str) -> Annotator:
    """The bundled cancer-gene index for ``GRCh38`` or ``GRCh37`` (hg38/hg19 accepted),
    loaded once per process."""
    key = _ASSEMBLY_ALIASES.get(assembly.lower())
    if key is None:
        raise ValueError(f"No bundled transcript index for assembly {assembly!r}.")
    return _load(str(BUNDLED[key]))
