import time
from pathlib import Path
import pytest
from genomics.services.uploads import upload_register
from genomics.models import Variant

DEMO = Path("/work/main/tumorboard/demo/T001-COAD.tcga_consensus.grch38.vcf.gz")

@pytest.mark.django_db(databases=["default", "progress"])
def test_probe(users, case, django_capture_on_commit_callbacks):
    t = time.time()
    with django_capture_on_commit_callbacks(execute=True):
        up = upload_register(user=users["molecular_biologist"], case=case, kind="somatic_vcf", source=DEMO, original_name=DEMO.name)
    up.refresh_from_db(); case.refresh_from_db()
    print("took", time.time()-t, up.job.state, up.job.error, up.record_count, case.status)
    print(Variant.objects.filter(case=case, gene="BRAF").values_list("variant_id","hgvsp","vaf","depth")[:5])
    print(list(case.analyses.first().recommendations.values_list("rank","therapy","kind")))
    print(up.detected)
