"""Oncogenicity per ClinGen/CGC/VICC (Horak et al. 2022), as far as offline evidence allows."""

from genomics.annotation.hotspots import is_hotspot
from genomics.annotation.oncogenicity import classify_oncogenicity
from genomics.annotation.roles import gene_role
from genomics.annotation.vocabulary import CRITERION_CODES


def classify(gene, consequence, protein_change, **kwargs):
    return classify_oncogenicity(
        gene=gene,
        consequence=consequence,
        protein_change=protein_change,
        hotspot=is_hotspot(gene, protein_change, consequence=consequence),
        gene_role=gene_role(gene),
        **kwargs,
    )


def test_every_criterion_is_reported_in_order():
    result = classify("BRAF", ["missense_variant"], "V600E")
    assert tuple(c.code for c in result.criteria) == (
        "OVS1",
        "OS1",
        "OS2",
        "OS3",
        "OM1",
        "OM2",
        "OM3",
        "OM4",
        "OP1",
        "OP2",
        "OP3",
        "OP4",
        "SBVS1",
        "SBS1",
        "SBS2",
        "SBP1",
        "SBP2",
    )
    assert CRITERION_CODES == tuple(c.code for c in result.criteria)
    assert result.points == sum(c.points for c in result.criteria)


def test_braf_v600e_is_oncogenic():
    # OS2 (Davies 2002) 4 + OS3 (897 at V600, 833 V600E) 4 + OM1 (kinase domain) 2 = 10.
    result = classify("BRAF", ["missense_variant"], "V600E")
    assert result.classification == "oncogenic"
    assert result.points == 10
    assert set(result.met) == {"OS2", "OS3", "OM1"}
    assert "12068308" in result.criterion("OS2").note
    # With gnomAD saying "absent", OP4 adds a point.
    assert classify("BRAF", ["missense_variant"], "V600E", population_af=0.0).points == 11


def test_kras_g12d_is_an_oncogenic_hotspot():
    result = classify("KRAS", ["missense_variant"], "G12D")
    assert result.criterion("OS3").met is True
    assert result.classification == "oncogenic"


def test_tp53_r175h_is_oncogenic():
    result = classify("TP53", ["missense_variant"], "R175H")
    assert {"OS2", "OS3", "OM1"} <= set(result.met)
    assert result.classification == "oncogenic"
    assert result.criterion("OVS1").met is False


def test_tp53_nonsense_in_a_tumor_suppressor_meets_ovs1():
    # TP53 E11* is not a hotspot: OVS1 8 alone is likely oncogenic; absent from gnomAD, 9.
    result = classify("TP53", ["stop_gained"], "E11*")
    assert result.criterion("OVS1").met is True
    assert result.criterion("OVS1").points == 8
    assert result.classification == "likely_oncogenic"
    assert classify("TP53", ["stop_gained"], "E11*", population_af=0.0).points == 9
    # R196* sits at a residue hotspot too: oncogenic.
    assert classify("TP53", ["stop_gained"], "R196*").classification == "oncogenic"


def test_nonsense_in_an_oncogene_does_not_meet_ovs1():
    result = classify("KRAS", ["stop_gained"], "Q22*")
    assert result.criterion("OVS1").met is False


def test_missense_in_an_unknown_gene_is_a_vus_with_population_not_evaluable():
    result = classify("ZNF999", ["missense_variant"], "A100T")
    assert result.classification == "vus"
    assert result.points == 0
    for code in ("OP4", "SBS1", "SBVS1", "OS1", "OS2", "OP1", "SBP1"):
        assert result.criterion(code).met is None, code
    assert result.criterion("OS3").met is False


def test_common_population_variant_is_benign():
    result = classify("ZNF999", ["missense_variant"], "A100T", population_af=0.12)
    assert result.criterion("SBVS1").met is True
    assert result.criterion("SBS1").met is False
    assert result.classification == "benign"
    assert classify("ZNF999", ["missense_variant"], "A100T", population_af=0.02).points == -4


def test_synonymous_is_likely_benign_by_sbp2():
    result = classify("BRAF", ["synonymous_variant"], "V600=")
    assert result.criterion("SBP2").met is True
    assert result.points == -1
    assert result.classification == "likely_benign"
    in_splice_region = classify("BRAF", ["splice_region_variant", "synonymous_variant"], "V600=")
    assert in_splice_region.criterion("SBP2").met is False


def test_egfr_exon19_deletion():
    # OS2 (Lynch 2004, Paez 2004) + OS3 (155 tumours, 123 E746_A750del) + OM1 + OM2 = 12.
    result = classify("EGFR", ["inframe_deletion"], "E746_A750del")
    assert result.criterion("OM2").met is True
    assert result.criterion("OS3").met is True
    assert result.classification == "oncogenic"


def test_another_oncogenic_missense_at_the_residue_blocks_the_small_hotspot_codes():
    # BRAF V600R: 4 samples only, so OP3 would apply, but OM1 (kinase domain) and OM4
    # (V600E established at the residue) apply and exclude it: 2 + 2 = 4, a VUS.
    result = classify("BRAF", ["missense_variant"], "V600R")
    assert result.criterion("OM4").met is True
    assert result.criterion("OP3").met is False
    assert result.classification == "vus"


def test_caller_supplied_evidence_is_used():
    result = classify(
        "ZNF999",
        ["missense_variant"],
        "A100T",
        functional="benign",
        in_silico="benign",
        population_af=0.0,
    )
    assert result.criterion("SBS2").met is True
    assert result.criterion("SBP1").met is True
    assert result.points == -4  # -4 -1 +1
    assert result.classification == "likely_benign"
