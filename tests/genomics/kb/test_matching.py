"""Matching alterations against evidence at every grain, and how tumour types relate."""

import pytest

from genomics.alterations import (
    AMPLIFICATION,
    BIOMARKER,
    DELETION,
    EXPRESSION,
    FUSION,
    LOSS,
    MUTATION,
    Alteration,
)
from genomics.kb import schema
from genomics.kb.matching import (
    TUMOR_ANCESTOR,
    TUMOR_ANY,
    TUMOR_EXACT,
    TUMOR_NARROWER,
    TUMOR_OFF_LABEL,
    TUMOR_UNSPECIFIED,
    grain_matched,
    match,
)
from genomics.kb.schema import Biomarker, EvidenceItem, Source

SOURCE = Source("test", "1", "CC0-1.0", "https://example.org")


def item(biomarker, tumor_type="NSCLC", excluded=()):
    return EvidenceItem(
        source=SOURCE,
        source_id="T1",
        biomarker=biomarker,
        tumor_type=tumor_type,
        source_tumor_term="x",
        therapy="Drug",
        drugs=("drug",),
        direction="sensitivity",
        evidence_type="approval",
        level_source="approval",
        excluded_tumor_types=excluded,
    )


def bm(gene, grain, kind=MUTATION, **kw):
    return Biomarker(gene=gene, kind=kind, grain=grain, **kw)


@pytest.mark.parametrize(
    ("alteration", "biomarker", "expected"),
    [
        (
            Alteration("BRAF", protein_change="V600E"),
            bm("BRAF", schema.PROTEIN_CHANGE, protein_change="V600E"),
            schema.PROTEIN_CHANGE,
        ),
        (
            Alteration("BRAF", protein_change="p.Val600Glu"),
            bm("BRAF", schema.PROTEIN_CHANGE, protein_change="V600E"),
            schema.PROTEIN_CHANGE,
        ),
        (
            Alteration("BRAF", protein_change="V600K"),
            bm("BRAF", schema.PROTEIN_CHANGE, protein_change="V600E"),
            None,
        ),
        (
            Alteration("KRAS", protein_change="G12D"),
            bm("KRAS", schema.CODON, codon=12),
            schema.CODON,
        ),
        (Alteration("KRAS", protein_change="G13D"), bm("KRAS", schema.CODON, codon=12), None),
        (
            Alteration("EGFR", protein_change="L747_P753delinsS", exon=19),
            bm("EGFR", schema.EXON, exon=19, exon_change="deletion"),
            schema.EXON,
        ),
        (
            Alteration("EGFR", protein_change="E746_A750del"),  # exon inferred from the codon
            bm("EGFR", schema.EXON, exon=19, exon_change="deletion"),
            schema.EXON,
        ),
        (
            Alteration("EGFR", protein_change="L858R", exon=21),
            bm("EGFR", schema.EXON, exon=19, exon_change="deletion"),
            None,
        ),
        (
            Alteration("EGFR", protein_change="D770_N771insSVD", exon=20),
            bm("EGFR", schema.EXON, exon=20, exon_change="insertion"),
            schema.EXON,
        ),
        (
            Alteration("MET", consequence=("splice_donor_variant",), exon=14),
            bm("MET", schema.EXON, exon=14, exon_change="skipping"),
            schema.EXON,
        ),
        (
            Alteration("MET", kind=FUSION, partner="MET"),
            bm("MET", schema.EXON, exon=14, exon_change="skipping"),
            schema.EXON,
        ),
        (
            Alteration("KIT", protein_change="V560D", oncogenicity="oncogenic"),
            bm("KIT", schema.GENE_MUTATION, requires_oncogenic=True),
            schema.GENE_MUTATION,
        ),
        (
            Alteration("KIT", protein_change="M541L", oncogenicity="vus"),
            bm("KIT", schema.GENE_MUTATION, requires_oncogenic=True),
            None,
        ),
        (
            Alteration("BRCA2", protein_change="S1982Rfs*22", consequence=("frameshift_variant",)),
            bm("BRCA2", schema.LOSS_OF_FUNCTION),
            schema.LOSS_OF_FUNCTION,
        ),
        (
            Alteration("BRCA2", protein_change="N372H", oncogenicity="vus"),
            bm("BRCA2", schema.LOSS_OF_FUNCTION),
            None,
        ),
        (
            Alteration("BRCA2", protein_change="Q3066*", oncogenicity="benign"),
            bm("BRCA2", schema.LOSS_OF_FUNCTION),
            None,
        ),
        (
            Alteration("BRCA1", kind=DELETION),
            bm("BRCA1", schema.LOSS_OF_FUNCTION),
            schema.LOSS_OF_FUNCTION,
        ),
        (Alteration("BRCA1", kind=LOSS), bm("BRCA1", schema.LOSS_OF_FUNCTION), None),
        (
            Alteration("EML4", kind=FUSION, partner="ALK"),
            bm("ALK", schema.FUSION_ANY, FUSION),
            schema.FUSION_ANY,
        ),
        (
            Alteration("BCR", kind=FUSION, partner="ABL1"),
            bm("BCR", schema.FUSION_PARTNER, FUSION, partner="ABL1"),
            schema.FUSION_PARTNER,
        ),
        (
            Alteration("ETV6", kind=FUSION, partner="ABL1"),
            bm("BCR", schema.FUSION_PARTNER, FUSION, partner="ABL1"),
            None,
        ),
        (
            Alteration("ERBB2", kind=AMPLIFICATION),
            bm("ERBB2", schema.AMPLIFICATION_GRAIN, AMPLIFICATION),
            schema.AMPLIFICATION_GRAIN,
        ),
        (
            Alteration("ERBB2", protein_change="S310F"),
            bm("ERBB2", schema.AMPLIFICATION_GRAIN, AMPLIFICATION),
            None,
        ),
        (
            Alteration("CDKN2A", kind=DELETION),
            bm("CDKN2A", schema.DELETION_GRAIN, DELETION),
            schema.DELETION_GRAIN,
        ),
        (
            Alteration("ERBB2", kind=EXPRESSION, status="high"),
            bm("ERBB2", schema.EXPRESSION_GRAIN, EXPRESSION),
            schema.EXPRESSION_GRAIN,
        ),
        (
            Alteration("TMB", kind=BIOMARKER, value=12.0),
            bm("TMB", schema.TMB, BIOMARKER, status="high", threshold=10),
            schema.TMB,
        ),
        (
            Alteration("TMB", kind=BIOMARKER, value=4.0),
            bm("TMB", schema.TMB, BIOMARKER, status="high", threshold=10),
            None,
        ),
        (
            Alteration("MSI", kind=BIOMARKER, status="MSI-H"),
            bm("MSI", schema.MSI, BIOMARKER, status="MSI-H"),
            schema.MSI,
        ),
        (
            Alteration("MSI", kind=BIOMARKER, status="MSS"),
            bm("MSI", schema.MSI, BIOMARKER, status="MSI-H"),
            None,
        ),
        (
            Alteration("BRAF", protein_change="V600=", consequence=("synonymous_variant",)),
            bm("BRAF", schema.CODON, codon=600),
            None,
        ),
    ],
)
def test_grain(alteration, biomarker, expected):
    assert grain_matched(alteration, biomarker) == expected


@pytest.mark.parametrize(
    ("case_tumor", "evidence_tumor", "excluded", "expected"),
    [
        ("NSCLC", "NSCLC", (), TUMOR_EXACT),
        ("LUAD", "NSCLC", (), TUMOR_ANCESTOR),
        ("NSCLC", "LUAD", (), TUMOR_NARROWER),
        ("COADREAD", "NSCLC", (), TUMOR_OFF_LABEL),
        ("COAD", None, (), TUMOR_ANY),
        ("COAD", None, ("COADREAD",), TUMOR_OFF_LABEL),
        (None, "NSCLC", (), TUMOR_UNSPECIFIED),
    ],
)
def test_tumor_relation(case_tumor, evidence_tumor, excluded, expected):
    evidence = [
        item(bm("BRAF", schema.PROTEIN_CHANGE, protein_change="V600E"), evidence_tumor, excluded)
    ]
    [found] = match([Alteration("BRAF", protein_change="V600E")], evidence, tumor_type=case_tumor)
    assert found.tumor_match == expected


def test_fusion_found_from_either_gene_of_the_alteration():
    evidence = [item(bm("NTRK1", schema.FUSION_ANY, FUSION), None)]
    [found] = match([Alteration("TPM3", kind=FUSION, partner="NTRK1")], evidence, tumor_type="LUAD")
    assert found.grain == schema.FUSION_ANY
    assert found.on_label


def _expression_item(threshold):
    from genomics.kb.schema import EXPRESSION_GRAIN, Biomarker, EvidenceItem, Source

    return EvidenceItem(
        source=Source("test", "1", "CC0", ""),
        source_id="EXPR-1",
        biomarker=Biomarker(
            gene="ERBB2", kind="overexpression", grain=EXPRESSION_GRAIN, threshold=threshold
        ),
        tumor_type=None,
        source_tumor_term="any",
        therapy="Trastuzumab",
        drugs=("trastuzumab",),
        direction="sensitivity",
        evidence_type="clinical_trial",
        level_source="B",
        level="B",
    )


def test_measured_expression_matches_only_a_stated_tpm_threshold():
    from genomics.alterations import EXPRESSION
    from genomics.kb.matching import match

    high = Alteration(gene="ERBB2", kind=EXPRESSION, value=850.0)
    low = Alteration(gene="ERBB2", kind=EXPRESSION, value=40.0)

    assert match([high], [_expression_item(500.0)], tumor_type=None)
    assert not match([low], [_expression_item(500.0)], tumor_type=None)
    # no threshold: DART cannot tell "over-expressed" without a reference cohort
    assert not match([high], [_expression_item(None)], tumor_type=None)
