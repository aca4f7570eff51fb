"""The ranking policy on the curated core table: real alterations in real tumour types."""

import pytest

from genomics.alterations import AMPLIFICATION, BIOMARKER, FUSION, Alteration
from genomics.kb import curated
from tumorboard.ranking.policy import (
    RULE_IMAGING,
    RULE_NOTHING_ACTIONABLE,
    RULE_RESISTANCE_REMOVES,
    ImagingSignal,
    rank,
)

CONTRACT_FIELDS = {
    "rank",
    "therapy",
    "drugs",
    "escat",
    "amp_tier",
    "amp_level",
    "score",
    "biomarkers",
    "variant_ids",
    "evidence",
    "rationale",
}
RESISTANCE_FIELDS = {
    "therapy",
    "drugs",
    "biomarkers",
    "variant_ids",
    "evidence",
    "rationale",
    "amp_tier",
    "amp_level",
    "escat",
}
BRAF_V600E = Alteration(
    "BRAF",
    protein_change="V600E",
    consequence=("missense_variant",),
    variant_ids=("chr7:140753336:A:T",),
)


@pytest.fixture(scope="module")
def evidence():
    return curated.load()[1]


def therapies(result):
    return [r.therapy for r in result.recommendations]


def test_braf_v600e_melanoma_first_option_is_dabrafenib_trametinib(evidence):
    result = rank(alterations=[BRAF_V600E], evidence=evidence, tumor_type="SKCM")

    first = result.recommendations[0]
    assert first.therapy == "Dabrafenib + Trametinib"
    assert first.drugs == ["dabrafenib", "trametinib"]
    assert first.escat == "I-A"
    assert (first.amp_tier, first.amp_level) == ("I", "A")
    assert first.biomarkers == ["BRAF p.V600E"]
    assert first.variant_ids == ["chr7:140753336:A:T"]
    assert "DART-CC-001" in [e["id"] for e in first.evidence]
    # the other approved BRAF/MEK combinations are separate options, not merged into one
    assert {"Vemurafenib + Cobimetinib", "Encorafenib + Binimetinib"} <= set(therapies(result))
    # one therapy from several evidence items (melanoma, NSCLC, tumour-agnostic) is one option
    assert therapies(result).count("Dabrafenib + Trametinib") == 1


def test_braf_v600e_colorectal_first_option_is_encorafenib_cetuximab(evidence):
    result = rank(alterations=[BRAF_V600E], evidence=evidence, tumor_type="COADREAD")

    assert result.recommendations[0].therapy == "Encorafenib + Cetuximab"
    assert result.recommendations[0].escat == "I-A"
    dab_tram = next(r for r in result.recommendations if r.therapy == "Dabrafenib + Trametinib")
    assert dab_tram.rank > 1
    # melanoma/NSCLC approvals are off-label here, and the tumour-agnostic label excludes CRC
    assert dab_tram.escat == "III-A"
    assert dab_tram.amp_level == "C"


def test_egfr_l858r_nsclc_first_option_is_osimertinib(evidence):
    l858r = Alteration("EGFR", protein_change="L858R", variant_ids=("chr7:55191822:T:G",))
    result = rank(alterations=[l858r], evidence=evidence, tumor_type="LUAD")

    assert result.recommendations[0].therapy == "Osimertinib"
    assert result.recommendations[0].escat == "I-A"
    assert "in a tumour type that contains this one" in result.recommendations[0].rationale


def test_egfr_exon19_deletion_matches_by_exon_without_annotation(evidence):
    ex19 = Alteration("EGFR", protein_change="E746_A750del")
    result = rank(alterations=[ex19], evidence=evidence, tumor_type="NSCLC")
    assert result.recommendations[0].therapy == "Osimertinib"


def test_egfr_t790m_removes_first_generation_inhibitors(evidence):
    alterations = [
        Alteration("EGFR", protein_change="L858R"),
        Alteration("EGFR", protein_change="T790M"),
    ]
    result = rank(alterations=alterations, evidence=evidence, tumor_type="NSCLC")

    assert therapies(result) == ["Osimertinib"]
    assert {r.therapy for r in result.resistance} == {"Gefitinib", "Erlotinib"}
    assert RULE_RESISTANCE_REMOVES in result.rules_applied


def test_kras_g12d_colorectal_lists_anti_egfr_under_resistance_only(evidence):
    g12d = Alteration("KRAS", protein_change="G12D", variant_ids=("chr12:25245350:C:T",))
    result = rank(alterations=[g12d], evidence=evidence, tumor_type="COAD")

    assert result.recommendations == []
    by_therapy = {r.therapy: r for r in result.resistance}
    assert set(by_therapy) == {"Cetuximab", "Panitumumab"}
    cetuximab = by_therapy["Cetuximab"]
    assert cetuximab.escat is None
    assert (cetuximab.amp_tier, cetuximab.amp_level) == ("I", "A")
    assert cetuximab.biomarkers == ["KRAS p.G12D"]
    assert cetuximab.variant_ids == ["chr12:25245350:C:T"]
    assert set(cetuximab.as_dict()) == RESISTANCE_FIELDS


def test_kras_g12c_colorectal_keeps_combinations_studied_in_carriers(evidence):
    g12c = Alteration("KRAS", protein_change="G12C")
    result = rank(alterations=[g12c], evidence=evidence, tumor_type="COADREAD")

    assert set(therapies(result)[:2]) == {"Sotorasib + Panitumumab", "Adagrasib + Cetuximab"}
    assert "Cetuximab" in {r.therapy for r in result.resistance}


def test_erbb2_amplification_breast(evidence):
    amp = Alteration("ERBB2", kind=AMPLIFICATION, value=12.0)
    result = rank(alterations=[amp], evidence=evidence, tumor_type="IDC")

    first = result.recommendations[0]
    assert first.therapy == "Pertuzumab + Trastuzumab"
    assert first.escat == "I-A"
    assert {"Trastuzumab", "Trastuzumab deruxtecan"} <= set(therapies(result))
    assert first.biomarkers == ["ERBB2 amplification"]


def test_nothing_actionable_gets_no_recommendation(evidence):
    alterations = [
        Alteration(
            "TP53",
            protein_change="R249M",
            consequence=("missense_variant",),
            oncogenicity="vus",
            variant_ids=("chr17:7674249:C:A",),
        ),
        Alteration(
            "BRAF",
            protein_change="V600=",
            consequence=("synonymous_variant",),
            variant_ids=("chr7:140753335:C:T",),
        ),
    ]
    result = rank(alterations=alterations, evidence=evidence, tumor_type="COADREAD")

    assert result.recommendations == []
    assert result.resistance == []
    assert result.rules_applied == [RULE_NOTHING_ACTIONABLE]


def test_no_alterations_no_recommendation(evidence):
    assert rank(alterations=[], evidence=evidence, tumor_type="SKCM").recommendations == []


def test_tumor_type_match_outranks_off_label(evidence):
    # NTRK fusion (tumour-agnostic approval) and BRAF V600E in a melanoma:
    # every on-label option comes before the off-label encorafenib + cetuximab
    alterations = [BRAF_V600E, Alteration("ETV6", kind=FUSION, partner="NTRK3")]
    result = rank(alterations=alterations, evidence=evidence, tumor_type="MEL")
    ranks = {r.therapy: r.rank for r in result.recommendations}
    assert ranks["Larotrectinib"] < ranks["Encorafenib + Cetuximab"]
    assert ranks["Dabrafenib + Trametinib"] < ranks["Larotrectinib"]


def test_msi_high_and_tmb_high_give_one_pembrolizumab_option(evidence):
    alterations = [
        Alteration("MSI", kind=BIOMARKER, status="MSI-H"),
        Alteration("TMB", kind=BIOMARKER, value=38.5),
    ]
    result = rank(alterations=alterations, evidence=evidence, tumor_type="COADREAD")
    assert therapies(result) == ["Pembrolizumab"]
    assert result.recommendations[0].escat == "I-A"


def test_recommendation_fields_are_the_analyze_contract(evidence):
    result = rank(alterations=[BRAF_V600E], evidence=evidence, tumor_type="SKCM")
    for position, recommendation in enumerate(result.recommendations, start=1):
        data = recommendation.as_dict()
        assert set(data) == CONTRACT_FIELDS
        assert data["rank"] == position
        assert all(set(e) == {"source", "id", "level", "citation"} for e in data["evidence"])
        assert recommendation.rule
    first = result.recommendations[0]
    assert "BRAF p.V600E" in first.rationale
    assert "DART curated core 2026.11.1" in first.rationale
    assert "on_label_approval" in first.rationale


def test_ranking_is_deterministic(evidence):
    alterations = [BRAF_V600E, Alteration("ERBB2", kind=AMPLIFICATION)]
    runs = [
        [
            r.as_dict()
            for r in rank(alterations=alts, evidence=evidence, tumor_type="SKCM").recommendations
        ]
        for alts in (alterations, list(reversed(alterations)))
    ]
    assert runs[0] == runs[1]


def test_imaging_only_modifies_existing_options_within_ten_percent(evidence):
    plain = rank(alterations=[BRAF_V600E], evidence=evidence, tumor_type="SKCM")
    boosted = rank(
        alterations=[BRAF_V600E],
        evidence=evidence,
        tumor_type="SKCM",
        imaging=[ImagingSignal(effect=5.0, drugs=("vemurafenib", "cobimetinib"), model="m")],
    )
    before = {r.therapy: r.score for r in plain.recommendations}
    after = {r.therapy: r.score for r in boosted.recommendations}
    assert after["Vemurafenib + Cobimetinib"] == pytest.approx(
        before["Vemurafenib + Cobimetinib"] * 1.10
    )
    assert RULE_IMAGING in boosted.rules_applied
    # never the sole basis: a signal for an unsupported therapy creates nothing
    nothing = rank(
        alterations=[], evidence=evidence, tumor_type="SKCM", imaging=[ImagingSignal(effect=1.0)]
    )
    assert nothing.recommendations == []
    # switchable off
    off = rank(
        alterations=[BRAF_V600E],
        evidence=evidence,
        tumor_type="SKCM",
        imaging=[ImagingSignal(effect=1.0)],
        imaging_enabled=False,
    )
    assert [r.as_dict() for r in off.recommendations] == [
        r.as_dict() for r in plain.recommendations
    ]


def brca2_truncating(origin):
    return Alteration(
        "BRCA2",
        protein_change="E1593*",
        consequence=("stop_gained",),
        oncogenicity="oncogenic",
        origin=origin,
        variant_ids=("13:32340000:G:T",),
    )


def test_a_germline_brca2_variant_in_breast_cancer_meets_the_germline_approval(evidence):
    result = rank(alterations=[brca2_truncating("germline")], evidence=evidence, tumor_type="BRCA")

    first = result.recommendations[0]
    assert set(first.drugs) <= {"olaparib", "talazoparib"}
    assert (first.escat, first.amp_level) == ("I-A", "A")


def test_a_somatic_brca2_variant_does_not_get_the_germline_only_approval_tier(evidence):
    # OlympiAD/EMBRACA approvals are for germline BRCA-mutated breast cancer: a tumour finding
    # is a similar alteration until germline testing confirms it.
    result = rank(alterations=[brca2_truncating("somatic")], evidence=evidence, tumor_type="BRCA")

    first = result.recommendations[0]
    assert set(first.drugs) <= {"olaparib", "talazoparib"}
    assert (first.escat, first.amp_level, first.amp_tier) == ("III-A", "C", "II")
    assert first.rule == "germline_evidence_somatic_variant"
    assert "germline testing" in first.rationale
