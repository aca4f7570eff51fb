"""MOAlmanac (GPL-2.0, read from ../shared, never copied): known facts survive normalisation."""

import gzip

import pytest

from genomics.alterations import Alteration
from genomics.io.errors import InputError
from genomics.kb import curated, moalmanac
from tumorboard.ranking.policy import rank


@pytest.fixture(scope="module")
def release(shared_data):
    return moalmanac.load(shared_data / "kb" / "moalmanac")


def test_release_declares_source_version_and_licence(release):
    source, items = release
    # referenced/about.json: "license": "GPL-2.0", "last_updated": "2026-05-07"
    assert (source.name, source.version, source.licence) == ("MOAlmanac", "2026-05-07", "GPL-2.0")
    assert source.research_only is False
    assert {item.source.name for item in items} == {"MOAlmanac", "MOAlmanac legacy"}


def test_braf_v600e_melanoma_dabrafenib_trametinib_is_one_therapy_with_fda_approval(release):
    _, items = release
    found = [
        i
        for i in items
        if i.source.name == "MOAlmanac"
        and i.biomarker.gene == "BRAF"
        and i.biomarker.protein_change == "V600E"
        and i.tumor_type == "MEL"
        and set(i.drugs) == {"dabrafenib", "trametinib"}
    ]
    assert found, "statement lost in normalisation"
    assert all(i.therapy_key == ("dabrafenib", "trametinib") for i in found)
    assert any(i.fda_approved for i in found)
    assert any(i.ema_approved for i in found)
    assert all(i.direction == "sensitivity" and i.level == "A" for i in found)


def test_egfr_t790m_osimertinib(release):
    _, items = release
    found = [
        i
        for i in items
        if i.biomarker.gene == "EGFR"
        and i.biomarker.protein_change == "T790M"
        and i.drugs == ("osimertinib",)
        and i.tumor_type == "NSCLC"
    ]
    assert any(i.fda_approved and i.source.name == "MOAlmanac" for i in found)


def test_referenced_release_holds_sensitivity_only_and_legacy_brings_resistance(release):
    _, items = release
    referenced = [i for i in items if i.source.name == "MOAlmanac"]
    legacy_resistance = [
        i for i in items if i.source.name == "MOAlmanac legacy" and i.direction == "resistance"
    ]
    assert {i.direction for i in referenced} == {"sensitivity"}
    # legacy: EGFR T790M → gefitinib (Guideline, resistance); KRAS → cetuximab in COADREAD
    assert any(
        i.biomarker.protein_change == "T790M" and i.drugs == ("gefitinib",)
        for i in legacy_resistance
    )
    assert any(
        i.biomarker.gene == "KRAS" and i.drugs == ("cetuximab",) and i.tumor_type == "COADREAD"
        for i in legacy_resistance
    )


def test_kras_g12d_colorectal_resistance_with_curated_core_and_moalmanac(release):
    _, items = release
    evidence = curated.load()[1] + items
    result = rank(
        alterations=[Alteration("KRAS", protein_change="G12D")],
        evidence=evidence,
        tumor_type="COADREAD",
    )
    therapies = {r.therapy for r in result.recommendations}
    assert "Cetuximab" not in therapies and "Panitumumab" not in therapies
    assert {"Cetuximab", "Panitumumab"} <= {r.therapy for r in result.resistance}


def test_ranking_with_both_sources_keeps_the_first_options(release):
    _, items = release
    evidence = curated.load()[1] + items
    braf = Alteration("BRAF", protein_change="V600E")
    melanoma = rank(alterations=[braf], evidence=evidence, tumor_type="SKCM")
    colorectal = rank(alterations=[braf], evidence=evidence, tumor_type="COADREAD")
    assert melanoma.recommendations[0].therapy == "Dabrafenib + Trametinib"
    assert colorectal.recommendations[0].therapy == "Encorafenib + Cetuximab"
    sources = {e["source"] for e in melanoma.recommendations[0].evidence}
    assert sources == {"DART curated core", "MOAlmanac", "MOAlmanac legacy"}


def test_tumour_agnostic_label_keeps_its_colorectal_exclusion(release):
    _, items = release
    agnostic = [
        i
        for i in items
        if i.tumor_type is None
        and set(i.drugs) == {"dabrafenib", "trametinib"}
        and i.excluded_tumor_types
    ]
    assert agnostic and all(i.excluded_tumor_types == ("COADREAD",) for i in agnostic)


def test_broken_files_are_refused(tmp_path):
    broken = tmp_path / "molecular-oncology-almanac.json.gz"
    broken.write_bytes(gzip.compress(b'[{"feature_type": "Somatic Variant", '))
    with pytest.raises(InputError, match="JSON is broken"):
        moalmanac.load(broken)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds neither"):
        moalmanac.load(tmp_path / "empty")
    referenced = tmp_path / "referenced"
    referenced.mkdir()
    (referenced / "statements.json").write_text("[]")
    with pytest.raises(InputError, match="lacks"):
        moalmanac.load(referenced)
