"""The streaming annotation context skips the annotator only where the annotator finds nothing."""

from __future__ import annotations

import random
from types import SimpleNamespace

from genomics.annotation.annotator import DISTANCE, default_annotator
from genomics.variant_annotation import VariantAnnotationContext

_HEADER = SimpleNamespace(annotation_key=None)


def _queries(annotator) -> list[tuple[str, int, str]]:
    """Positions at and around the edges of the first transcripts of every chromosome."""
    rnd = random.Random(11)
    seen: dict[str, int] = {}
    queries = []
    for t in annotator.index.transcripts:
        if seen.get(t.chrom, 0) >= 3:
            continue
        seen[t.chrom] = seen.get(t.chrom, 0) + 1
        for edge in (t.start - DISTANCE, t.end + DISTANCE):
            for pos in range(edge - 3, edge + 4):
                queries.append((t.chrom, pos, rnd.choice(["A", "AC", "ACGTA"])))
        queries.append((t.chrom, t.start - DISTANCE - rnd.randint(10, 100_000), "A"))
    return queries


def test_the_remembered_gap_never_changes_an_answer_whatever_the_order():
    annotator = default_annotator("GRCh38")
    remembering = VariantAnnotationContext(header=_HEADER, assembly="GRCh38", annotator=annotator)
    fresh = VariantAnnotationContext(header=_HEADER, assembly="GRCh38", annotator=annotator)
    queries = _queries(annotator)
    assert queries
    for chrom, pos, ref in sorted(queries) + random.Random(3).sample(queries, len(queries)):
        fresh._gap = ("", 0, 0)  # forget: answer from the spans alone
        expected = fresh._outside_index(chrom, pos, ref)
        assert remembering._outside_index(chrom, pos, ref) == expected, (chrom, pos, ref)


def test_an_allele_said_to_be_outside_the_index_gets_no_annotation_from_the_annotator():
    annotator = default_annotator("GRCh38")
    context = VariantAnnotationContext(header=_HEADER, assembly="GRCh38", annotator=annotator)
    outside = [q for q in sorted(_queries(annotator)) if context._outside_index(*q)]
    assert outside
    for chrom, pos, ref in outside:
        alt = "T" if ref[0] != "T" else "G"
        assert annotator.annotate(chrom, pos, ref, alt + ref[1:]) is None, (chrom, pos, ref)
