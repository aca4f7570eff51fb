"""A germline VCF describes the normal: its variants carry the normal column's VAF and depth."""

import pytest

from genomics.models import Variant
from genomics.services.ingest import upload_ingest
from genomics.services.uploads import upload_register
from tests.factories import CaseFactory


@pytest.mark.django_db(databases=["default", "progress"])
def test_germline_variants_take_the_normal_columns_vaf_and_depth(shared_data, site, users):
    # SAGE writes the tumor column first even in its germline file (tumor_sample, ref_sample).
    path = shared_data / "vcf" / "hmf_orange_COLO829.purple.germline.sage.grch37.vcf"
    case = CaseFactory(site=site, tumor_type="MEL", assembly="GRCh37")
    upload = upload_register(
        user=users["molecular_biologist"],
        case=case,
        kind="germline_vcf",
        source=path,
        original_name=path.name,
        dispatch=False,
    )
    upload_ingest(upload_id=upload.pk)
    upload.job.refresh_from_db()
    assert upload.job.state == "done", upload.job.error

    brca2 = Variant.objects.get(case=case, chrom="13", pos=32890572, alt="A")
    # ref_sample: AD 15,19 AF 0.559 DP 34 (the tumor column says AF 0.392 DP 120)
    assert (brca2.origin, brca2.vaf, brca2.depth) == ("germline", 0.559, 34)
    assert list(case.samples.values_list("name", "kind")) == [("ref_sample", "normal")]
