"""Every string inside an uploaded file reaches people escaped: page, API and PDF."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Upload
from genomics.services.uploads import upload_register
from tumorboard.services.cases import case_transition
from tumorboard.services.reports import report_generate

HOSTILE = "<script>alert(1)</script>"
HOSTILE_FILTER = "ltscriptgtalert(1)lt/scriptgt"
VCF = f"""##fileformat=VCFv4.2
##contig=<ID=chr7,length=159345973>
##INFO=<ID=GENE,Number=1,Type=String,Description="gene <b>bold</b>">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{HOSTILE}
chr7\t140753336\t.\tA\tT\t50\tPASS\tGENE=BRAF\tGT:AD:DP\t0/1:30,20:50
chr7\t140800000\t.\tG\tC\t50\t{HOSTILE_FILTER}\t.\tGT:AD:DP\t0/1:5,5:10
"""


@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_a_hostile_sample_name_is_escaped_on_the_page_the_api_and_in_the_pdf(
    client, users, case, tmp_path
):
    biologist = users["molecular_biologist"]
    upload = upload_register(
        user=biologist,
        case=case,
        kind=Upload.Kind.SOMATIC_VCF,
        source=SimpleUploadedFile(f"{HOSTILE}.vcf", VCF.encode()),
        original_name=f"{HOSTILE}.vcf",
    )
    upload.job.refresh_from_db()
    assert upload.job.state == "done", upload.job.error

    client.force_login(users["board_member"])
    page = client.get(f"/cases/{case.uuid}/").content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    api = client.get(f"/api/v1/cases/{case.uuid}/result/")
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["samples"]["tumor"] == HOSTILE  # data, not markup: JSON carries it as is

    case_transition(case=case, to="ready_for_board", user=users["board_chair"])
    report = report_generate(case=case, user=users["oncologist"])
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report.pdf.open("rb").read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "BRAF" in text
