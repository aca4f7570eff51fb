"""HGVS building blocks: translation, amino-acid names, ``c.`` positions and ``p.`` changes.

Everything here works on plain strings (sequences in transcript orientation, 0-based
indexes); :mod:`genomics.annotation.annotator` maps genome positions onto them.
``p.`` descriptions follow HGVS (3' rule at protein level, ``dup``, ``delins``, ``fsTer``,
``extTer``, ``Met1?``); a synonymous change is written ``p.Val600=`` like VEP (HGVS allows
the residue form; ``p.(=)`` would describe a whole unchanged protein).
"""

from __future__ import annotations

import re

_BASES = "TCAG"
_AA_TABLE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE: dict[str, str] = {
    a + b + c: _AA_TABLE[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}

THREE: dict[str, str] = {
    "A": "Ala",
    "R": "Arg",
    "N": "Asn",
    "D": "Asp",
    "C": "Cys",
    "Q": "Gln",
    "E": "Glu",
    "G": "Gly",
    "H": "His",
    "I": "Ile",
    "L": "Leu",
    "K": "Lys",
    "M": "Met",
    "F": "Phe",
    "P": "Pro",
    "S": "Ser",
    "T": "Thr",
    "W": "Trp",
    "Y": "Tyr",
    "V": "Val",
    "*": "Ter",
    "X": "Xaa",
    "U": "Sec",
}
ONE: dict[str, str] = {v: k for k, v in THREE.items()}

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_THREE_RE = re.compile("|".join(sorted((v for v in ONE), key=len, reverse=True)))


def revcomp(seq: str) -> str:
    """Reverse complement of a DNA string."""
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str, *, to_stop: bool = False) -> str:
    """DNA -> 1-letter protein (``*`` for stop, ``X`` for codons with N); trailing bases ignored.

    With ``to_stop`` translation ends after the first stop (which is included).
    """
    table = CODON_TABLE
    out = []
    for i in range(0, len(seq) - 2, 3):
        aa = table.get(seq[i : i + 3], "X")
        out.append(aa)
        if to_stop and aa == "*":
            break
    return "".join(out)


def three(aas: str) -> str:
    """``"VE"`` -> ``"ValGlu"``."""
    return "".join(THREE.get(a, "Xaa") for a in aas)


def to_short(hgvsp: str | None) -> str | None:
    """3-letter ``p.`` -> 1-letter: ``p.Val600Glu`` -> ``p.V600E``, ``fsTer5`` -> ``fs*5``."""
    if hgvsp is None:
        return None
    return _THREE_RE.sub(lambda m: ONE[m.group(0)], hgvsp)


def c_pos(base: int, offset: int = 0, *, region: str = "") -> str:
    """One ``c.`` position: ``region`` is "" (CDS), "-" (5' UTR) or "*" (3' UTR).

    ``c_pos(1697, 3)`` -> ``1697+3``; ``c_pos(12, region="-")`` -> ``-12``.
    """
    text = f"{region}{base}"
    if offset > 0:
        return f"{text}+{offset}"
    if offset < 0:
        return f"{text}{offset}"
    return text


def c_change(first: str, last: str, kind: str, ref: str, alt: str) -> str:
    """``c.`` description from formatted positions; ``kind`` is sub, del, ins, dup, delins.

    For ``ins`` ``first``/``last`` are the flanking positions.
    """
    span = first if first == last else f"{first}_{last}"
    if kind == "sub":
        return f"c.{first}{ref}>{alt}"
    if kind == "del":
        return f"c.{span}del"
    if kind == "dup":
        return f"c.{span}dup"
    if kind == "ins":
        return f"c.{first}_{last}ins{alt}"
    return f"c.{span}delins{alt}"


def p_change(
    ref_prot: str, mut_prot: str, *, frameshift: bool = False, truncated: bool = False
) -> tuple[str, str]:
    """Compare a reference protein and a mutant protein (both 1-letter, ending at ``*``).

    Returns ``(hgvsp, kind)``: ``hgvsp`` in 3-letter HGVS, ``kind`` one of synonymous,
    missense, stop_gained, stop_lost, stop_retained, start_lost, inframe_deletion,
    inframe_insertion, delins, frameshift. ``mut_prot`` without a final ``*`` means no stop
    was found before the transcript ended (``Ter?``). ``truncated``: the change created the
    stop that ends ``mut_prot`` (an in-frame change that stops early is not a deletion).
    """
    n_ref, n_mut = len(ref_prot), len(mut_prot)
    i = 0
    limit = min(n_ref, n_mut)
    while i < limit and ref_prot[i] == mut_prot[i]:
        i += 1
    if i == n_ref and i == n_mut:
        # no change at all; the caller knows the codon (synonymous)
        return "p.=", "synonymous"
    if i == 0 and ref_prot[:1] == "M":
        return "p.Met1?", "start_lost"
    if frameshift:
        if i >= n_mut:
            return "p.=", "synonymous"
        new = mut_prot[i]
        ref_aa = ref_prot[i] if i < n_ref else "*"
        pos = i + 1
        if new == "*":
            return f"p.{THREE[ref_aa]}{pos}Ter", "stop_gained"
        if ref_aa == "*":
            return _extension(ref_prot, mut_prot, i), "stop_lost"
        stop = mut_prot.find("*", i)
        n = "?" if stop < 0 else str(stop - i + 1)
        return f"p.{THREE[ref_aa]}{pos}{THREE.get(new, 'Xaa')}fsTer{n}", "frameshift"
    if i < n_ref and ref_prot[i] == "*":  # the stop codon itself changed
        if i < n_mut and mut_prot[i] == "*":
            return f"p.Ter{i + 1}=", "stop_retained"
        return _extension(ref_prot, mut_prot, i), "stop_lost"
    if truncated:
        if mut_prot[i] == "*":
            return f"p.{THREE[ref_prot[i]]}{i + 1}Ter", "stop_gained"
        last = mut_prot.index("*")
        span = f"{THREE[ref_prot[i]]}{i + 1}_{THREE[ref_prot[last - 1]]}{last}"
        return f"p.{span}delins{three(mut_prot[i:last])}Ter", "stop_gained"
    # in-frame: trim the common suffix as well (prefix first gives the 3'-most change)
    j = 0
    while j < n_ref - i and j < n_mut - i and ref_prot[n_ref - 1 - j] == mut_prot[n_mut - 1 - j]:
        j += 1
    ref_d = ref_prot[i : n_ref - j]
    mut_d = mut_prot[i : n_mut - j]
    if ref_d[:1] == "*" or (not ref_d and i >= n_ref):
        if mut_d[:1] == "*":
            return f"p.Ter{i + 1}=", "stop_retained"
        return _extension(ref_prot, mut_prot, i), "stop_lost"
    if not ref_d:
        return _insertion(ref_prot, mut_d, i)
    if not mut_d:
        return _deletion(ref_prot, i, len(ref_d))
    first = f"{THREE[ref_d[0]]}{i + 1}"
    if len(ref_d) == 1 and len(mut_d) == 1:
        return f"p.{first}{THREE.get(mut_d, 'Xaa')}", "missense"
    span = first if len(ref_d) == 1 else f"{first}_{THREE[ref_d[-1]]}{i + len(ref_d)}"
    return f"p.{span}delins{three(mut_d)}", "delins"


def _deletion(prot: str, start: int, n: int) -> tuple[str, str]:
    """Deletion of ``prot[start:start+n]``, shifted 3' through repeats."""
    while start + n < len(prot) - 1 and prot[start] == prot[start + n]:
        start += 1
    first = f"{THREE[prot[start]]}{start + 1}"
    if n == 1:
        return f"p.{first}del", "inframe_deletion"
    last = start + n - 1
    return f"p.{first}_{THREE[prot[last]]}{last + 1}del", "inframe_deletion"


def _insertion(prot: str, ins: str, at: int) -> tuple[str, str]:
    """Insertion of ``ins`` before ``prot[at]``, shifted 3' and written as dup when it is one."""
    while at < len(prot) - 1 and ins[0] == prot[at]:
        ins = ins[1:] + prot[at]
        at += 1
    n = len(ins)
    if at >= n and prot[at - n : at] == ins:
        first = f"{THREE[prot[at - n]]}{at - n + 1}"
        if n == 1:
            return f"p.{first}dup", "inframe_insertion"
        return f"p.{first}_{THREE[prot[at - 1]]}{at}dup", "inframe_insertion"
    if at == 0:
        return "p.Met1?", "start_lost"
    return (
        f"p.{THREE[prot[at - 1]]}{at}_{THREE[prot[at]]}{at + 1}ins{three(ins)}",
        "inframe_insertion",
    )


def _extension(ref_prot: str, mut_prot: str, i: int) -> str:
    """Stop-loss at protein index ``i``: ``p.Ter757GlnextTer13`` (or ``extTer?``)."""
    new = mut_prot[i] if i < len(mut_prot) else "X"
    stop = mut_prot.find("*", i + 1)
    n = "?" if stop < 0 else str(stop - i)
    return f"p.Ter{i + 1}{THREE.get(new, 'Xaa')}extTer{n}"
