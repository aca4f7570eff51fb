"""CIViC TSV loader, on a hand-written fixture in CIViC's column layout (tests/data/kb/civic)."""

import shutil

import pytest

from genomics.alterations import Alteration
from genomics.io.errors import InputError
from genomics.kb import civic, schema
from tumorboard.ranking.policy import rank


@pytest.fixture(scope="module")
def release(test_data):
    return civic.load(test_data / "kb" / "civic", version="fixture")


def by_id(items, source_id):
    return [i for i in items if i.source_id == source_id]


def test_source_is_cc0_and_keeps_the_given_version(release):
    source, _ = release
    assert (source.name, source.version, source.licence) == ("CIViC", "fixture", "CC0-1.0")


def test_only_accepted_predictive_supporting_single_profiles_are_loaded(release):
    _, items = release
    assert {i.source_id for i in items} == {
        "EID90001",
        "EID90002",
        "EID90003",
        "EID90004",
        "EID90005",
        "EID90006",
        "AID7001",
    }


def test_combination_is_one_therapy_and_substitutes_are_separate(release):
    _, items = release
    [braf] = by_id(items, "EID90001")
    assert braf.drugs == ("dabrafenib", "trametinib")
    assert braf.biomarker.protein_change == "V600E"
    assert braf.tumor_type == "MEL"
    assert (braf.level, braf.evidence_type, braf.level_source) == (
        "A",
        "guideline",
        "CIViC level A",
    )
    assert braf.citations == ("PMID:11111111",)
    kras = by_id(items, "EID90003")
    assert {i.drugs for i in kras} == {("cetuximab",), ("panitumumab",)}
    assert all(i.direction == "resistance" and i.biomarker.grain == schema.CODON for i in kras)


def test_grains_from_variant_names(release):
    _, items = release
    [alk] = by_id(items, "EID90004")
    assert (alk.biomarker.grain, alk.biomarker.gene, alk.biomarker.partner) == (
        schema.FUSION_PARTNER,
        "EML4",
        "ALK",
    )
    assert alk.tumor_type == "LUAD"
    [erbb2] = by_id(items, "EID90005")
    assert erbb2.biomarker.grain == schema.AMPLIFICATION_GRAIN
    [ex19] = by_id(items, "EID90006")
    assert (ex19.biomarker.grain, ex19.biomarker.exon, ex19.biomarker.exon_change) == (
        schema.EXON,
        19,
        "deletion",
    )


def test_assertion_with_regulatory_approval(release):
    _, items = release
    [assertion] = by_id(items, "AID7001")
    assert assertion.evidence_type == "approval" and assertion.fda_approved
    assert assertion.level == "A"


def test_civic_evidence_ranks_with_resistance(release):
    _, items = release
    result = rank(
        alterations=[Alteration("KRAS", protein_change="G12V")],
        evidence=items,
        tumor_type="COADREAD",
    )
    assert result.recommendations == []
    assert {r.therapy for r in result.resistance} == {"Cetuximab", "Panitumumab"}


def test_evidence_file_alone_is_enough(tmp_path, test_data):
    shutil.copy(test_data / "kb" / "civic" / "nightly-ClinicalEvidenceSummaries.tsv", tmp_path)
    _, items = civic.load(tmp_path)
    # without the profile table the compound profile is recognised by its name
    assert "EID90009" not in {i.source_id for i in items}
    assert "EID90001" in {i.source_id for i in items}


def test_broken_files_are_refused(tmp_path, test_data):
    with pytest.raises(InputError, match="no \\*ClinicalEvidenceSummaries"):
        civic.load(tmp_path)
    source = test_data / "kb" / "civic" / "nightly-ClinicalEvidenceSummaries.tsv"
    lines = source.read_text().splitlines()
    (tmp_path / "nightly-ClinicalEvidenceSummaries.tsv").write_text(
        "\n".join(lines[:3] + ["BRAF V600E\t9001\tMelanoma"]) + "\n"
    )
    with pytest.raises(InputError) as error:
        civic.load(tmp_path)
    assert error.value.line == 4
    (tmp_path / "nightly-ClinicalEvidenceSummaries.tsv").write_text("evidence_id\tdisease\n1\tx\n")
    with pytest.raises(InputError, match="lacks the column"):
        civic.load(tmp_path)
