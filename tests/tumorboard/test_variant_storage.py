"""How the variant table keeps its rows whole on PostgreSQL.

One composite foreign key, (upload, case) -> Upload (id, case), replaces one key per column: a
stored variant always belongs to an existing upload of the same case, and deleting an upload
deletes its variants in the database itself.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from genomics.models import Variant
from tests.factories import CaseFactory
from tests.tumorboard.conftest import ingest_demo, ingesting
from tumorboard.services.discard import case_discard

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the composite key exists on PostgreSQL only"
)


def _variant_row(**values):
    row = dict(line=1, variant_id="7:140753336:A:T", chrom="7", pos=140753336, ref="A", alt="T")
    row.update(values)
    return Variant(**row)


@ingesting
def test_a_variant_whose_case_is_not_its_uploads_case_is_refused(users, case, site):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    elsewhere = CaseFactory(site=site)
    with pytest.raises(IntegrityError, match="variant_upload_case_fk"):
        with transaction.atomic():
            _variant_row(case=elsewhere, upload=upload).save()
    assert not Variant.objects.filter(case=elsewhere).exists()


@ingesting
def test_a_variant_of_an_upload_that_does_not_exist_is_refused(users, case):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    with pytest.raises(IntegrityError, match="variant_upload_case_fk"):
        with transaction.atomic():
            _variant_row(case=case, upload_id=upload.pk + 1000).save()


@ingesting
def test_deleting_an_upload_deletes_its_variants_in_the_database(users, case):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    assert Variant.objects.filter(case=case, upload=upload).exists()
    with connection.cursor() as cursor:  # past the ORM: the database's own cascade
        cursor.execute("DELETE FROM core_upload WHERE id = %s", [upload.pk])
    assert not Variant.objects.filter(case=case).exists()


@ingesting
def test_discarding_a_case_leaves_no_variant(users, case):
    ingest_demo(case=case, user=users["molecular_biologist"])
    case_discard(case=case)
    assert Variant.objects.count() == 0
