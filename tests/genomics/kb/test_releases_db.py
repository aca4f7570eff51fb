"""Knowledge-base releases in the database: load, provenance, atomicity, commands, selector."""

import io

import pytest
from django.core.management import CommandError, call_command

from genomics.alterations import Alteration
from genomics.io.errors import InputError
from genomics.models.kb import EvidenceRecord, KnowledgeBaseRelease
from genomics.selectors_kb import data_versions, evidence_for_ranking
from genomics.services.kb import kb_bundled_ensure, kb_release_load
from tumorboard.ranking.policy import rank

pytestmark = pytest.mark.django_db


def test_bundled_sources_load_offline_and_are_current():
    curated, oncotree = kb_bundled_ensure()
    assert (curated.name, curated.version, curated.licence) == (
        "DART curated core",
        "2026.11.1",
        "Apache-2.0",
    )
    assert curated.is_current and curated.item_count == curated.records.count() > 40
    assert len(curated.checksum) == 64
    assert (oncotree.name, oncotree.version, oncotree.licence) == (
        "OncoTree",
        "oncotree_2025_10_03",
        "CC-BY-4.0",
    )
    # loading the same files again changes nothing
    assert kb_release_load(source="curated") == curated
    assert KnowledgeBaseRelease.objects.filter(source="curated").count() == 1


def test_evidence_from_the_database_ranks_like_the_table():
    kb_bundled_ensure()
    evidence, releases = evidence_for_ranking()
    assert data_versions(releases) == {
        "DART curated core": "2026.11.1",
        "OncoTree": "oncotree_2025_10_03",
    }
    result = rank(
        alterations=[Alteration("BRAF", protein_change="V600E")],
        evidence=evidence,
        tumor_type="SKCM",
    )
    assert result.recommendations[0].therapy == "Dabrafenib + Trametinib"


def test_failing_source_leaves_the_others_alone(tmp_path):
    kb_bundled_ensure()
    broken = tmp_path / "molecular-oncology-almanac.json"
    broken.write_text('[{"feature_type": ')
    with pytest.raises(InputError):
        kb_release_load(source="moalmanac", path=broken)
    assert not KnowledgeBaseRelease.objects.filter(source="moalmanac").exists()
    assert KnowledgeBaseRelease.objects.get(source="curated", is_current=True).item_count > 0


def test_research_only_source_needs_to_be_switched_on(shared_data):
    path = shared_data / "kb" / "cgi" / "cgi_biomarkers_per_variant.2017.tsv.gz"
    with pytest.raises(InputError, match="research use only"):
        kb_release_load(source="cgi", path=path)
    release = kb_release_load(source="cgi", path=path, allow_research_only=True)
    assert release.research_only
    evidence, releases = evidence_for_ranking()
    assert release not in releases
    assert release in evidence_for_ranking(include_research_only=True)[1]


def test_new_release_supersedes_the_old_one(tmp_path, test_data):
    first = kb_release_load(source="civic", path=test_data / "kb" / "civic")
    copy = tmp_path / "civic"
    copy.mkdir()
    for f in (test_data / "kb" / "civic").glob("*.tsv"):
        (copy / f.name).write_text(f.read_text().replace("Fixture statement", "Changed"))
    second = kb_release_load(source="civic", path=copy)
    first.refresh_from_db()
    assert second.is_current and not first.is_current
    assert EvidenceRecord.objects.filter(release=first).exists()  # kept for old analyses


def test_commands_report_each_source(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 source"):
        call_command(
            "kb_load", "curated", f"moalmanac={tmp_path / 'absent'}", stdout=out, stderr=err
        )
    assert "curated: DART curated core 2026.11.1 current" in out.getvalue()
    assert "moalmanac:" in err.getvalue() and "does not exist" in err.getvalue()
    status = io.StringIO()
    call_command("kb_status", stdout=status)
    assert "DART curated core 2026.11.1" in status.getvalue()
