"""Shared set-up for the page and API tests: real files, real services, one MEDIA_ROOT per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import ROOT, TEST_DATA

DEMO_VCF = ROOT / "tumorboard" / "demo" / "T001-COAD.tcga_consensus.grch38.vcf.gz"
VCF_DATA = TEST_DATA / "vcf"

# Ingestion writes job progress on a second connection ("progress"), which cannot see rows of a
# test wrapped in a transaction; tests that ingest therefore run with real commits.
ingesting = pytest.mark.django_db(transaction=True, databases=["default", "progress"])


#: A HaplotypeCaller RNA VCF header (GT, AD, DP; one sample): records follow it.
RNA_VCF_HEADER = (
    "##fileformat=VCFv4.2\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
    "##source=HaplotypeCaller\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT001_RNA\n"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every test stores its uploads and reports in a fresh folder, so leftovers can be seen."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def upload_file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def login(client, user):
    client.force_login(user)
    return client


def ingest_demo(*, case, user):
    """Upload the demo VCF through the service and run its ingestion (eager task) at commit."""
    from genomics.services.uploads import upload_register

    return upload_register(
        user=user,
        case=case,
        kind="somatic_vcf",
        source=DEMO_VCF,
        original_name=DEMO_VCF.name,
    )


@pytest.fixture
def annotated_case(users, case):
    """The demo colorectal case after its VCF was ingested and ranked (status: annotated)."""
    ingest_demo(case=case, user=users["molecular_biologist"])
    case.refresh_from_db()
    assert case.status == "annotated", case.status
    return case
