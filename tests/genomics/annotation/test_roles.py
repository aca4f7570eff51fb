"""Gene roles come from IntOGen and CancerMine (CC0), never from COSMIC CGC or OncoKB."""

from genomics.annotation.roles import gene_role, gene_role_detail, load_gene_roles


def test_tp53_is_a_tumor_suppressor():
    # IntOGen calls TP53 LoF in all 165 cohorts where it is a driver.
    assert gene_role("TP53") == "tumor_suppressor"
    assert gene_role_detail("TP53").intogen_roles == "LoF:165"


def test_kras_is_an_oncogene():
    # IntOGen: Act in 68 cohorts.
    assert gene_role("KRAS") == "oncogene"


def test_notch1_is_both_as_the_sources_say():
    # IntOGen: "ambiguous" in 27 cohorts; CancerMine: 155 oncogene vs 69 tumour suppressor
    # citations, not one-sided enough (3:1) to overrule IntOGen's ambiguity.
    detail = gene_role_detail("NOTCH1")
    assert detail.role == "both"
    assert detail.intogen_roles == "ambiguous:27"
    assert (detail.cancermine_oncogene_citations, detail.cancermine_tumor_suppressor_citations) == (
        155,
        69,
    )


def test_symbols_are_case_insensitive_and_unknown_genes_have_no_role():
    assert gene_role("braf") == "oncogene"
    assert gene_role("NOT_A_GENE") is None
    assert gene_role(None) is None


def test_table_is_loaded_once_per_process():
    assert load_gene_roles() is load_gene_roles()
