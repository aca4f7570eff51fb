"""The case page shows every data type a lab sends: small variants with their DNA and RNA VAF,
copy number, fusions and expression, each from real files uploaded to one case."""

from __future__ import annotations

import html
import re

from core.models import BackgroundJob
from genomics.services.uploads import upload_register
from tests.conftest import TEST_DATA
from tests.tumorboard.conftest import RNA_VCF_HEADER, ingest_demo, ingesting

# BRAF c.1799T>A of the demo case (7:140753336 A>T, TVAF 0.314814814815 and TDP 54 in the
# consensus calls), called again in the tumor's RNA: AD 12,18 -> 18 / 30 = 0.600, DP 30.
RNA_VCF = RNA_VCF_HEADER + "7\t140753336\t.\tA\tT\t50\tPASS\t.\tGT:AD:DP\t0/1:12,18:30\n"


def _register(user, case, kind, path):
    upload = upload_register(user=user, case=case, kind=kind, source=path, original_name=path.name)
    job = BackgroundJob.objects.get(pk=upload.job_id)
    assert job.state == BackgroundJob.State.DONE, job.error
    return upload


def _text(page: str) -> str:
    """The page's text, tags dropped and white space folded, for reading like a user."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@ingesting
def test_the_case_page_shows_variants_with_rna_vaf_copy_number_fusions_and_expression(
    client, users, case, tmp_path
):
    user = users["molecular_biologist"]
    ingest_demo(case=case, user=user)
    rna = tmp_path / "T001.rna.vcf"
    rna.write_text(RNA_VCF)
    _register(user, case, "rna_vcf", rna)
    _register(user, case, "copy_number", TEST_DATA / "cnv/pcgr_T001-COAD.grch38.cna.tsv")
    _register(user, case, "fusions", TEST_DATA / "fusions/arriba_test_fusions.tsv")
    _register(user, case, "expression", TEST_DATA / "expression/vatools_kallisto.genes.tsv")

    client.force_login(users["board_member"])
    response = client.get(f"/cases/{case.uuid}/?gene=BRAF")
    assert response.status_code == 200
    text = _text(response.content.decode())

    # the BRAF row: DNA VAF and depth from the consensus calls, RNA VAF and depth beside them
    assert "BRAF" in text and "p.V600E" in text
    assert "0.315" in text and "0.600 (30)" in text
    # copy number: chr1 114430211-116197573 nMajor 23 + nMinor 1 = 24 copies over NRAS
    # (GRCh38 chr1:114,704,469-114,716,771), the file's highest copy number: the page lists
    # amplifications first, the most copies first
    table = text.split("Copy number Gene Call Copy number log2 Segment")[1]
    assert "NRAS amplification 24.00 1:114430211-116197573" in table[:2000]
    calls = re.findall(r" (amplification|deep_deletion|gain|loss) (\d+\.\d\d) ", table)
    kinds = [kind for kind, _ in calls]
    assert kinds == sorted(kinds, key=["amplification", "deep_deletion", "gain", "loss"].index)
    amplified = [float(copies) for kind, copies in calls if kind == "amplification"]
    assert amplified == sorted(amplified, reverse=True) and amplified[0] == 24.0
    # fusions (Arriba's first line: BCR::ABL1, 22:23632600 / 9:133729451, high)
    assert "Fusions" in text and "BCR ABL1" in text and "22:23632600 / 9:133729451" in text
    # expression: kallisto's abundance column is TPM; A1BG 9.5072780253347
    assert "Expression (top 50 by TPM)" in text
    expression = text.split("Expression (top 50 by TPM)")[1]
    # the file's highest abundance: USP18 and AAAS, 18.4008276190378 each; A1BG 9.507...
    assert "USP18 18.40" in expression and "AAAS 18.40" in expression
    assert "A1BG 9.51" in expression
