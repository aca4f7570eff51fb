"""How the variant table keeps its rows whole on PostgreSQL.

The rule (upload, case) -> Upload (id, case) is checked by the database once per statement
(migrations genomics 0006 and 0007): a stored variant always belongs to an existing upload of the
same case, deleting or truncating uploads deletes their variants in the database itself, an
upload that has variants keeps its id and case, and an upload cannot be deleted under a
transaction that is still storing its variants.
"""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, connection, transaction

from genomics.models import Variant
from genomics.services.ingest import VARIANT_COLUMNS
from genomics.services.writers import BulkWriter, copy_row
from tests.factories import CaseFactory
from tests.tumorboard.conftest import ingest_demo, ingesting
from tumorboard.services.discard import case_discard

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statement checks exist on PostgreSQL only"
)


def _variant_row(**values):
    row = dict(line=1, variant_id="7:140753336:A:T", chrom="7", pos=140753336, ref="A", alt="T")
    row.update(values)
    return Variant(**row)


def _copy_values(**values) -> tuple:
    """The same variant as ``_variant_row`` as the ingestion writes it (``VARIANT_COLUMNS``)."""
    variant = _variant_row(**values)
    return tuple(getattr(variant, name) for name in VARIANT_COLUMNS)


@ingesting
def test_a_variant_whose_case_is_not_its_uploads_case_is_refused(users, case, site):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    elsewhere = CaseFactory(site=site)
    with pytest.raises(IntegrityError, match="which does not exist"):
        with transaction.atomic():
            _variant_row(case=elsewhere, upload=upload).save()
    assert not Variant.objects.filter(case=elsewhere).exists()


@ingesting
def test_a_variant_of_an_upload_that_does_not_exist_is_refused(users, case):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    with pytest.raises(IntegrityError, match="which does not exist"):
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


@ingesting
def test_moving_a_variant_to_another_case_is_refused(users, case, site):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    elsewhere = CaseFactory(site=site)
    with pytest.raises(IntegrityError, match="which does not exist"):
        with transaction.atomic():
            Variant.objects.filter(case=case, upload=upload).update(case=elsewhere)
    assert not Variant.objects.filter(case=elsewhere).exists()


@ingesting
def test_an_upload_with_variants_cannot_move_to_another_case(users, case, site):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    elsewhere = CaseFactory(site=site)
    with pytest.raises(IntegrityError, match="cannot change"):
        with transaction.atomic():
            type(upload).objects.filter(pk=upload.pk).update(case=elsewhere)
    upload.refresh_from_db()
    assert upload.case_id == case.pk


@ingesting
def test_a_batch_of_variants_with_one_foreign_row_is_refused_whole(users, case, site):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    elsewhere = CaseFactory(site=site)
    before = Variant.objects.count()
    rows = [_variant_row(case=case, upload=upload, line=n) for n in range(1, 50)]
    rows.append(_variant_row(case=elsewhere, upload=upload, line=50))
    with pytest.raises(IntegrityError, match="which does not exist"):
        with transaction.atomic():
            Variant.objects.bulk_create(rows)
    assert Variant.objects.count() == before


@ingesting
def test_a_copy_batch_with_one_foreign_row_is_refused_whole(users, case, site):
    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    elsewhere = CaseFactory(site=site)
    before = Variant.objects.count()
    with pytest.raises(IntegrityError, match="which does not exist"):
        with transaction.atomic(), BulkWriter(Variant, VARIANT_COLUMNS) as writer:
            for line in range(1, 100):
                writer.add(_copy_values(case_id=case.pk, upload_id=upload.pk, line=line))
            writer.add(_copy_values(case_id=elsewhere.pk, upload_id=upload.pk, line=100))
            writer.flush()
    assert Variant.objects.count() == before


@ingesting
def test_truncating_the_uploads_empties_the_variant_table(users, case):
    ingest_demo(case=case, user=users["molecular_biologist"])
    assert Variant.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_upload CASCADE")
    assert not Variant.objects.exists()


@ingesting
def test_an_upload_cannot_be_deleted_while_its_variants_are_being_stored(users, case):
    import psycopg2
    from psycopg2 import errors

    upload = ingest_demo(case=case, user=users["molecular_biologist"])
    settings = connection.settings_dict
    params = dict(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
        host=settings["HOST"], port=settings["PORT"] or 5432,
    )  # fmt: skip
    storing, deleting = psycopg2.connect(**params), psycopg2.connect(**params)
    try:
        with storing.cursor() as cursor:  # an open transaction that stores one more variant
            line = copy_row(_copy_values(case_id=case.pk, upload_id=upload.pk)) + "\n"
            cursor.copy_expert(
                f"COPY genomics_variant ({', '.join(VARIANT_COLUMNS)}) FROM STDIN",
                io.StringIO(line),
            )
        with deleting.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
            with pytest.raises(errors.LockNotAvailable):
                cursor.execute("DELETE FROM core_upload WHERE id = %s", [upload.pk])
        deleting.rollback()
        storing.commit()
        with deleting.cursor() as cursor:  # once stored, the delete takes them all along
            cursor.execute("DELETE FROM core_upload WHERE id = %s", [upload.pk])
        deleting.commit()
    finally:
        storing.close()
        deleting.close()
    assert not Variant.objects.filter(case=case).exists()
