"""Reuse what the pipeline computed: Ensembl VEP ``CSQ`` and snpEff ``ANN`` / ``EFF``.

Field order comes from the VCF header (it differs between VEP releases), never from a fixed
list. ``annotation_from_pipeline`` turns one record's INFO value into the same
:class:`VariantAnnotation` the offline annotator returns, keeping every transcript and
choosing MANE Select, else canonical, else the most severe. Plain Python, no Django.
"""

from __future__ import annotations

import re

from genomics.annotation import consequence as so
from genomics.annotation.annotator import TranscriptAnnotation, VariantAnnotation, choose
from genomics.annotation.hgvs import to_short

KEYS = ("CSQ", "ANN", "EFF")
_FORMAT_RE = re.compile(r"Format:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_FIELD_SPLIT_RE = re.compile(r"[|()\[\]]")
_INT_RE = re.compile(r"\d+")


def parse_annotation_header(key: str, description: str) -> list[str]:
    """``##INFO`` Description of CSQ/ANN/EFF -> its field names in order.

    VEP: ``... Format: Allele|Consequence|...``; snpEff ANN: ``'Allele | Annotation | ...'``;
    snpEff EFF: ``Format: 'Effect ( Effect_Impact | ... | Exon [ | ERRORS | WARNINGS ] )'``.
    """
    m = _FORMAT_RE.search(description)
    text = m.group(1) if m else description.split(":", 1)[-1]
    text = text.strip().strip("\"'").strip()
    if key != "EFF" and "(" not in text:
        return [f.strip() for f in text.split("|")]
    return [f.strip() for f in _FIELD_SPLIT_RE.split(text) if f.strip()]


def _col(fields: list[str], *names: str) -> int | None:
    low = {f.lower(): i for i, f in enumerate(fields)}
    for n in names:
        if n.lower() in low:
            return low[n.lower()]
    return None


def _get(parts: list[str], i: int | None) -> str:
    if i is None or i >= len(parts):
        return ""
    return parts[i]


def _strip_id(hgvs: str) -> str | None:
    if not hgvs:
        return None
    hgvs = hgvs.replace("%3D", "=")
    return hgvs.split(":", 1)[1] if ":" in hgvs else hgvs


def _first_int(text: str) -> int | None:
    m = _INT_RE.search(text)
    return int(m.group(0)) if m else None


def _is_mane(transcript: str, mane: set[str] | None) -> bool:
    if not mane or not transcript:
        return False
    return transcript in mane or transcript.split(".")[0] in mane


def annotation_from_pipeline(
    key: str,
    value: str,
    fields: list[str],
    alt: str,
    allele_index: int,
    mane: set[str] | None = None,
) -> VariantAnnotation | None:
    """One record's CSQ/ANN/EFF value -> annotation of ALT allele ``alt`` (1-based
    ``allele_index``), or None if no transcript entry concerns that allele.

    ``mane``: MANE Select transcript ids (versioned or not) for files whose annotator did not
    write a MANE column.
    """
    if not value:
        return None
    if key == "EFF":
        items = _from_eff(value, fields, mane)
        source = "snpeff"
    elif key == "ANN":
        items = _from_ann(value, fields, alt, mane)
        source = "snpeff"
    else:
        items = _from_csq(value, fields, alt, allele_index, mane)
        source = "vep"
    if not items:
        return None
    ordered = choose(items)
    return VariantAnnotation(ordered[0], tuple(ordered), source)


def _alt_forms(alt: str) -> set[str]:
    # VEP drops a shared first base and writes "-" for an empty allele
    return {alt, alt[1:] or "-"}


def _from_csq(value, fields, alt, allele_index, mane) -> list[TranscriptAnnotation]:
    c = {
        n: _col(fields, n)
        for n in (
            "Allele",
            "Consequence",
            "IMPACT",
            "SYMBOL",
            "Feature_type",
            "Feature",
            "BIOTYPE",
            "EXON",
            "INTRON",
            "HGVSc",
            "HGVSp",
            "Protein_position",
            "CANONICAL",
            "MANE_SELECT",
            "MANE",
            "ALLELE_NUM",
            "Gene",
        )
    }
    entries = [e.split("|") for e in value.split(",")]
    if c["ALLELE_NUM"] is not None:
        entries = [p for p in entries if _get(p, c["ALLELE_NUM"]) in ("", str(allele_index))]
    elif len({_get(p, c["Allele"]) for p in entries}) > 1:
        forms = _alt_forms(alt)
        entries = [p for p in entries if _get(p, c["Allele"]) in forms]
    out = []
    for p in entries:
        ftype = _get(p, c["Feature_type"])
        if ftype and ftype != "Transcript":
            continue
        terms = so.sort_terms(so.normalise_term(t) for t in _get(p, c["Consequence"]).split("&"))
        hgvsp = _strip_id(_get(p, c["HGVSp"]))
        transcript = _get(p, c["Feature"])
        mane_col = _get(p, c["MANE_SELECT"]) or (
            _get(p, c["MANE"]) if "Select" in _get(p, c["MANE"]) else ""
        )
        out.append(
            TranscriptAnnotation(
                gene=_get(p, c["SYMBOL"]) or _get(p, c["Gene"]),
                transcript=transcript,
                consequence=terms,
                hgvsc=_strip_id(_get(p, c["HGVSc"])),
                hgvsp=hgvsp,
                hgvsp_short=to_short(hgvsp),
                exon=_get(p, c["EXON"]) or None,
                intron=_get(p, c["INTRON"]) or None,
                codon=_first_int(_get(p, c["Protein_position"])),
                mane_select=bool(mane_col) or _is_mane(transcript, mane),
                canonical=_get(p, c["CANONICAL"]) == "YES",
                impact=_get(p, c["IMPACT"]) or so.impact(terms),
                biotype=_get(p, c["BIOTYPE"]) or None,
                mane_ids=(mane_col,) if mane_col else (),
            )
        )
    return out


def _from_ann(value, fields, alt, mane) -> list[TranscriptAnnotation]:
    c = {
        n: _col(fields, n)
        for n in (
            "Allele",
            "Annotation",
            "Annotation_Impact",
            "Gene_Name",
            "Feature_Type",
            "Feature_ID",
            "Transcript_BioType",
            "Rank",
            "HGVS.c",
            "HGVS.p",
            "AA.pos / AA.length",
        )
    }
    out = []
    for e in value.split(","):
        p = [x.strip() for x in e.split("|")]
        allele = _get(p, c["Allele"])
        if allele and allele != alt and allele.split("-")[-1] != alt:
            continue
        if _get(p, c["Feature_Type"]) not in ("transcript", ""):
            continue
        terms = so.sort_terms(so.normalise_term(t) for t in _get(p, c["Annotation"]).split("&"))
        rank = _get(p, c["Rank"]) or None
        intronic = (
            terms
            and terms[0] in ("intron_variant", "splice_region_variant")
            and ("exon" not in " ".join(terms))
        )
        hgvsp = _get(p, c["HGVS.p"]) or None
        transcript = _get(p, c["Feature_ID"])
        out.append(
            TranscriptAnnotation(
                gene=_get(p, c["Gene_Name"]),
                transcript=transcript,
                consequence=terms,
                hgvsc=_get(p, c["HGVS.c"]) or None,
                hgvsp=hgvsp,
                hgvsp_short=to_short(hgvsp),
                exon=None if intronic else rank,
                intron=rank if intronic else None,
                codon=_first_int(_get(p, c["AA.pos / AA.length"])),
                mane_select=_is_mane(transcript, mane),
                canonical=False,
                impact=_get(p, c["Annotation_Impact"]) or so.impact(terms),
                biotype=_get(p, c["Transcript_BioType"]) or None,
            )
        )
    return out


def _from_eff(value, fields, mane) -> list[TranscriptAnnotation]:
    # EFF entries look like  NON_SYNONYMOUS_CODING(MODERATE|MISSENSE|Gga/Aga|G12R|189|KRAS|...)
    c = {
        n: _col(fields, n)
        for n in (
            "Effect_Impact",
            "Amino_Acid_change",
            "Gene_Name",
            "Gene_BioType",
            "Transcript",
            "Exon",
            "Codon_Change",
        )
    }
    out = []
    for e in value.split(","):
        if "(" not in e:
            continue
        effect, rest = e.split("(", 1)
        # fields[0] is "Effect", the name before the parenthesis
        p = [""] + [x.strip() for x in rest.rstrip(")").split("|")]
        terms = so.sort_terms(so.normalise_term(t) for t in effect.split("+"))
        aa = _get(p, c["Amino_Acid_change"])
        hgvsc = None
        if "/" in aa:  # newer snpEff 3.x: "p.Gly12Arg/c.34G>C"
            aa, hgvsc = aa.split("/", 1)
        hgvsp = (aa if aa.startswith("p.") else f"p.{aa}") if aa else None
        transcript = _get(p, c["Transcript"])
        out.append(
            TranscriptAnnotation(
                gene=_get(p, c["Gene_Name"]),
                transcript=transcript,
                consequence=terms,
                hgvsc=hgvsc,
                hgvsp=hgvsp,
                hgvsp_short=to_short(hgvsp),
                exon=_get(p, c["Exon"]) or None,
                intron=None,
                codon=_first_int(aa) if aa else None,
                mane_select=_is_mane(transcript, mane),
                canonical=False,
                impact=_get(p, c["Effect_Impact"]) or so.impact(terms),
                biotype=_get(p, c["Gene_BioType"]) or None,
            )
        )
    return out
