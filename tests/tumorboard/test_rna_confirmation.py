"""RNA variant calls confirm that DNA variants are expressed: their VAF and depth are stored
beside the DNA values of the same variant; RNA calls without a DNA variant add nothing."""

from __future__ import annotations

from core.models import BackgroundJob
from genomics.models import Variant
from genomics.services.uploads import upload_register
from tests.tumorboard.conftest import RNA_VCF_HEADER, ingest_demo, ingesting

# Two calls at variants of the demo case (1:1042010 G>A; 1:1180842 CG>C) and one elsewhere.
RNA_VCF = RNA_VCF_HEADER + (
    "1\t1042010\t.\tG\tA\t50\tPASS\t.\tGT:AD:DP\t0/1:30,10:40\n"
    "1\t1180842\t.\tCG\tC\t50\tPASS\t.\tGT:AD:DP\t0/1:12,4:16\n"
    "1\t5000000\t.\tA\tT\t50\tPASS\t.\tGT:AD:DP\t0/1:5,5:10\n"
)


def _rna_values(case) -> dict[str, tuple]:
    return {
        variant_id: (rna_vaf, rna_depth)
        for variant_id, rna_vaf, rna_depth in Variant.objects.filter(case=case)
        .exclude(rna_depth=None)
        .values_list("variant_id", "rna_vaf", "rna_depth")
    }


@ingesting
def test_rna_calls_set_rna_vaf_and_depth_beside_the_matching_dna_variants(users, case, tmp_path):
    user = users["molecular_biologist"]
    ingest_demo(case=case, user=user)
    dna_rows = Variant.objects.filter(case=case).count()
    path = tmp_path / "T001.rna.haplotypecaller.vcf"
    path.write_text(RNA_VCF)

    upload = upload_register(
        user=user, case=case, kind="rna_vcf", source=path, original_name=path.name
    )

    job = BackgroundJob.objects.get(pk=upload.job_id)
    assert job.state == BackgroundJob.State.DONE, job.error
    # AD 30,10 -> 10/40; AD 12,4 -> 4/16; DP is the depth
    assert _rna_values(case) == {"1:1042010:G:A": (0.25, 40), "1:1180842:CG:C": (0.25, 16)}
    assert Variant.objects.filter(case=case).count() == dna_rows
    assert "2 of 3 RNA calls confirm a DNA variant of the case." in job.log


@ingesting
def test_rna_values_of_a_variant_stay_those_of_the_latest_rna_upload(users, case, tmp_path):
    user = users["molecular_biologist"]
    ingest_demo(case=case, user=user)
    first = tmp_path / "first.rna.vcf"
    first.write_text(RNA_VCF)
    upload_register(user=user, case=case, kind="rna_vcf", source=first, original_name=first.name)
    second = tmp_path / "second.rna.vcf"
    second.write_text(RNA_VCF.split("1\t1180842")[0])  # only the first call, now re-sequenced
    second.write_text(second.read_text().replace("0/1:30,10:40", "0/1:20,20:40"))
    upload_register(user=user, case=case, kind="rna_vcf", source=second, original_name=second.name)

    assert _rna_values(case)["1:1042010:G:A"] == (0.5, 40)


@ingesting
def test_rna_calls_named_chr1_confirm_dna_variants_named_1(users, case, tmp_path):
    user = users["molecular_biologist"]
    ingest_demo(case=case, user=user)  # the demo VCF names chromosomes "1", "2", ...
    path = tmp_path / "T001.rna.gencode.vcf"
    path.write_text(RNA_VCF.replace("\n1\t", "\nchr1\t"))

    upload_register(user=user, case=case, kind="rna_vcf", source=path, original_name=path.name)

    assert _rna_values(case) == {"1:1042010:G:A": (0.25, 40), "1:1180842:CG:C": (0.25, 16)}
