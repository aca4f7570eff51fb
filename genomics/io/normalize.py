"""Trim and left-align one REF/ALT pair (VCF-style, anchored on a padding base).

In: chrom, 1-based pos, ref, alt, and optionally a ``fetch(chrom, start0, end0) -> str`` from a
reference FASTA. Out: the normalised (pos, ref, alt). Without a reference only shared bases are
trimmed; indels in repeats then stay where the caller put them.
"""

from __future__ import annotations

from collections.abc import Callable

Fetch = Callable[[str, int, int], str]

_PLAIN = frozenset("ACGTNacgtn")


def is_plain(allele: str) -> bool:
    """True for an allele made only of bases (not symbolic, breakend, '*' or '.')."""
    return bool(allele) and _PLAIN.issuperset(allele)


def normalize(
    chrom: str, pos: int, ref: str, alt: str, fetch: Fetch | None = None
) -> tuple[int, str, str]:
    """Return (pos, ref, alt) trimmed (and left-aligned when ``fetch`` is given)."""
    if len(ref) == 1 and len(alt) == 1:
        return pos, ref, alt
    if fetch is not None and len(ref) != len(alt):
        return _left_align(chrom, pos, ref, alt, fetch)
    # right-trim shared suffix, keeping one base in each allele
    while len(ref) > 1 and len(alt) > 1 and ref[-1].upper() == alt[-1].upper():
        ref, alt = ref[:-1], alt[:-1]
    # left-trim shared prefix, keeping one base in each allele
    while len(ref) > 1 and len(alt) > 1 and ref[0].upper() == alt[0].upper():
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def _left_align(chrom: str, pos: int, ref: str, alt: str, fetch: Fetch) -> tuple[int, str, str]:
    # Tan et al. 2015 (vt normalize): drop equal last bases, extend to the left from the
    # reference whenever an allele becomes empty; then trim the shared prefix.
    while True:
        changed = False
        if ref and alt and ref[-1].upper() == alt[-1].upper():
            ref, alt = ref[:-1], alt[:-1]
            changed = True
        if (not ref or not alt) and pos > 1:
            base = fetch(chrom, pos - 2, pos - 1)
            if not base:
                break
            ref, alt, pos = base + ref, base + alt, pos - 1
            changed = True
        if not changed:
            break
    if not ref or not alt:  # reached the contig start: re-anchor on the right
        nxt = fetch(chrom, pos - 1 + len(ref), pos + len(ref))
        ref, alt = ref + nxt, alt + nxt
    while len(ref) > 1 and len(alt) > 1 and ref[0].upper() == alt[0].upper():
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt
