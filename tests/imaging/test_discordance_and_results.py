"""Radiogenomic predictions against the sequencing of the case; the analyze JSON `imaging` object;
what the ranking may read."""

from __future__ import annotations

import json

import jsonschema
import pytest
from django.core.management import call_command

from imaging.selectors import imaging_signals_for_ranking
from imaging.services import imaging_discordances, imaging_predictions_import
from tests.imaging.conftest import (
    DEMO_VCF,
    EXAMPLE_JSON,
    committing,
    example_document,
    ingest_demo_vcf,
    write_json,
)
from tumorboard.results import result_schema

pytestmark = [committing, pytest.mark.usefixtures("media_root")]


def radiogenomic(gene: str, probability: float, target: str | None = None) -> dict:
    return {
        "target": target or f"{gene}_mutant",
        "kind": "radiogenomic",
        "gene": gene,
        "lesion_id": "L1",
        "class": "mutant",
        "probability": probability,
        "model": {"name": "site-radiogenomics", "version": "1"},
        "research_only": True,
    }


def test_imaging_egfr_mutant_without_an_egfr_variant_is_a_data_quality_question(users, case):
    ingest_demo_vcf(case=case, user=users["molecular_biologist"])  # BRAF p.V600E, no EGFR
    imaging_predictions_import(case=case, path=EXAMPLE_JSON, user=users["molecular_biologist"])

    [flag] = imaging_discordances(case)

    assert flag["gene"] == "EGFR"
    assert flag["imaging"] == "site-egfr-radiogenomics v2.1: EGFR_mutant mutant probability 0.81"
    assert flag["sequencing"] == "no EGFR alteration found by somatic variant calling"
    assert "purity" in flag["message"] and "sampling" in flag["message"]
    assert "heterogeneity" in flag["message"]


def test_imaging_braf_wild_type_while_sequencing_found_braf_v600e_is_flagged(users, case, tmp_path):
    ingest_demo_vcf(case=case, user=users["molecular_biologist"])
    document = example_document()
    document["predictions"] = [radiogenomic("BRAF", 0.1), radiogenomic("KRAS", 0.5)]
    imaging_predictions_import(case=case, path=write_json(tmp_path / "p.json", document), user=None)

    [flag] = imaging_discordances(case)  # KRAS at 0.5 is too uncertain to disagree with anything

    assert flag["gene"] == "BRAF"
    assert flag["sequencing"].startswith("BRAF V600E")
    assert "probability only 0.10" in flag["message"]


def test_no_discordance_without_sequencing_that_could_have_found_the_alteration(users, case):
    imaging_predictions_import(case=case, path=EXAMPLE_JSON, user=users["molecular_biologist"])
    assert imaging_discordances(case) == []


def test_the_discordance_is_shown_on_the_case_page(client, users, case):
    ingest_demo_vcf(case=case, user=users["molecular_biologist"])
    imaging_predictions_import(case=case, path=EXAMPLE_JSON, user=users["molecular_biologist"])
    client.force_login(users["board_member"])

    page = client.get(f"/cases/{case.uuid}/").content.decode()

    assert "Imaging and sequencing disagree" in page
    assert 'data-gene="EGFR"' in page


def test_analyze_with_imaging_adds_the_imaging_object_to_the_result(tmp_path, site, settings):
    settings.DART_DEFAULT_SITE = site.slug
    out = tmp_path / "result.json"

    call_command(
        "analyze", "--vcf", str(DEMO_VCF), "--tumor-type", "LUAD", "--imaging", str(EXAMPLE_JSON),
        "--json", str(out),
    )  # fmt: skip

    result = json.loads(out.read_text())
    jsonschema.validate(result, result_schema())
    imaging = result["imaging"]
    assert [lz["id"] for lz in imaging["lesions"]] == ["L1", "N1"]
    assert [lz["measurable"] for lz in imaging["lesions"]] == [True, False]
    first = {
        k: imaging["predictions"][0][k]
        for k in ("target", "value", "probability", "model", "model_version", "research_only")
    }
    assert first == {
        "target": "surv2yr", "value": 0.62, "probability": 0.62,
        "model": "hosny2018-surv2yr-pyrad3", "model_version": "1.0.0", "research_only": True,
    }  # fmt: skip
    second = imaging["predictions"][1]
    assert (second["target"], second["value"], second["probability"]) == (
        "EGFR_mutant", "mutant", 0.81,
    )  # fmt: skip
    assert [d["gene"] for d in imaging["discordances"]] == ["EGFR"]

    broken = json.loads(out.read_text())
    broken["imaging"]["predictions"][0].pop("research_only")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, result_schema())


def test_only_clinically_usable_response_predictions_reach_the_ranking(
    users, case, tmp_path, settings
):
    document = example_document()
    response = {
        "target": "response:pembrolizumab", "kind": "response", "probability": 0.75,
        "value": 0.75, "model": {"name": "io-response", "version": "3"}, "research_only": False,
    }  # fmt: skip
    research = dict(response, target="response:nivolumab", research_only=True)
    unnamed = dict(response, target="response_any_therapy")
    document["predictions"] = [response, research, unnamed]
    imaging_predictions_import(case=case, path=write_json(tmp_path / "r.json", document), user=None)

    [signal] = imaging_signals_for_ranking(case)

    assert signal.drugs == ("pembrolizumab",)
    assert signal.effect == pytest.approx(0.5)
    assert (signal.model, signal.version) == ("io-response", "3")

    settings.DART_IMAGING_RANKING_OFF_SITES = [case.site.slug]
    assert imaging_signals_for_ranking(case) == []
    settings.DART_IMAGING_RANKING_OFF_SITES = []
    settings.DART_IMAGING_IN_RANKING = False
    assert imaging_signals_for_ranking(case) == []
