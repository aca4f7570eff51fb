"""Sequence Ontology consequences (Ensembl VEP 105 definitions), case by case on TP53
(minus strand, GRCh38): exon 6 is c.560-c.672 at chr17:7674859-7674971."""

import pytest

from genomics.annotation import consequence as so
from genomics.annotation.annotator import default_annotator


@pytest.fixture(scope="module")
def tp53():
    ann = default_annotator("GRCh38")

    def run(pos, ref, alt):
        r = ann.annotate("17", pos, ref, alt)
        return next(t for t in r.transcripts if t.gene == "TP53" and t.mane_select)

    return run


def test_splice_donor_and_acceptor(tp53):
    donor = tp53(7674858, "C", "T")  # c.672+1G>A
    assert donor.consequence == ("splice_donor_variant",)
    assert donor.hgvsc == "c.672+1G>A"
    assert donor.intron == "6/10" and donor.exon is None
    assert donor.impact == "HIGH"
    acceptor = tp53(7674292, "T", "C")  # c.673-2A>G
    assert acceptor.consequence == ("splice_acceptor_variant",)
    assert acceptor.hgvsc == "c.673-2A>G"


def test_splice_region_terms(tp53):
    assert tp53(7674854, "C", "G").consequence == (
        "splice_donor_5th_base_variant",
        "intron_variant",
    )
    assert tp53(7674300, "A", "T").consequence == (
        "splice_polypyrimidine_tract_variant",
        "intron_variant",
    )
    assert tp53(7676630, "A", "T").consequence == (
        "splice_region_variant",
        "splice_polypyrimidine_tract_variant",
        "intron_variant",
    )
    # last exonic base of exon 6 (c.672) is missense/synonymous plus splice region
    last = tp53(7674859, "C", "T")
    assert "splice_region_variant" in last.consequence


def test_intron_utr_upstream_downstream(tp53):
    assert tp53(7674400, "C", "G").consequence == ("intron_variant",)
    assert tp53(7669000, "T", "A").consequence == ("3_prime_UTR_variant",)
    assert tp53(7676600, "G", "A").consequence == ("5_prime_UTR_variant",)
    assert tp53(7687600, "A", "T").consequence == ("upstream_gene_variant",)
    assert tp53(7668390, "A", "T").consequence == ("downstream_gene_variant",)


def test_outside_the_index_is_none_not_a_guess():
    ann = default_annotator("GRCh38")
    assert ann.annotate("6", 152_000_000, "A", "T") is None  # ESR1: not bundled
    assert "ESR1" not in ann.genes() and "BRAF" in ann.genes()
    assert ann.annotate("7", 140753336, "A", "<DEL>") is None


def test_vocabulary_order_and_legacy_mapping():
    assert so.sort_terms(["intron_variant", "splice_donor_variant"])[0] == "splice_donor_variant"
    assert so.impact(["missense_variant", "splice_region_variant"]) == "MODERATE"
    assert so.normalise_term("NON_SYNONYMOUS_CODING") == "missense_variant"
    assert so.legacy_terms(["splice_donor_region_variant", "intron_variant"]) == {
        "splice_region_variant",
        "intron_variant",
    }
