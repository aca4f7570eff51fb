"""Variant rows go to PostgreSQL as COPY text formatted in one step per row."""

from __future__ import annotations

import pytest


class TestCopyLines:
    """Variant rows go to PostgreSQL as COPY text formatted in one step; it must say exactly
    what the generic per-value conversion says, and leave any row needing escapes to it."""

    @staticmethod
    def _calls(path):
        from genomics.io import vcf

        header = vcf.read_header(path, filename=path.name)
        return header, list(vcf.iter_variants(path, header))

    @pytest.mark.parametrize(
        "name",
        [
            "somaticseq_paired_MuTect2.tiny_ref.vcf.gz",
            "somaticseq_paired_Strelka.indel.tiny_ref.vcf.gz",
            "somaticseq_paired_LoFreq.snv.tiny_ref.vcf.gz",
        ],
    )
    def test_the_fast_line_is_the_generic_conversion(self, test_data, name):
        from genomics.services.ingest import VariantCopyLines, _variant_row
        from genomics.services.writers import copy_row
        from genomics.variant_annotation import VariantNote

        copy_line = VariantCopyLines("7\t9\tsomatic\t")
        _header, calls = self._calls(test_data / "vcf" / name)
        assert calls
        notes = [
            VariantNote(),
            VariantNote(
                gene="BRAF", transcript="NM_004333.6", consequence=("missense_variant",),
                hgvsc="c.1799T>A", hgvsp="p.Val600Glu", hgvsp_short="p.V600E", exon="15/18",
                source="dart", gene_role="oncogene", hotspot=True, oncogenicity="oncogenic",
                criteria=[{"code": "OS3", "met": True}],
            ),
        ]  # fmt: skip
        for call in calls:
            for note in notes:
                row = _variant_row(7, 9, "somatic", call, note, call.vaf, call.depth)
                line = copy_line(call, note, call.vaf, call.depth)
                assert line == copy_row(row)

    def test_a_value_that_needs_escaping_is_left_to_the_generic_conversion(self, test_data):
        from dataclasses import replace

        from genomics.services.ingest import VariantCopyLines, _variant_row
        from genomics.services.writers import copy_row
        from genomics.variant_annotation import VariantNote

        copy_line = VariantCopyLines("7\t9\tsomatic\t")
        _header, calls = self._calls(
            test_data / "vcf" / "somaticseq_paired_MuTect2.tiny_ref.vcf.gz"
        )
        call = replace(calls[0], info_text="GENE=A\\B", filters=("weird\tfilter",))
        assert copy_line(call, VariantNote(), None, None) is None
        line = copy_row(_variant_row(7, 9, "somatic", call, VariantNote(), None, None))
        assert "GENE=A\\\\B" in line and "weird\\tfilter" in line

    def test_a_shared_note_that_needs_escaping_is_left_to_the_generic_conversion(self, test_data):
        from genomics.services.ingest import VariantCopyLines, _variant_row
        from genomics.services.writers import copy_row
        from genomics.variant_annotation import VariantNote

        copy_line = VariantCopyLines("7\t9\tsomatic\t")
        _header, calls = self._calls(
            test_data / "vcf" / "somaticseq_paired_MuTect2.tiny_ref.vcf.gz"
        )
        odd, plain = VariantNote(gene="A\tB"), VariantNote(gene="TP53")
        for call in calls[:3]:  # a shared note's columns are formatted once, then reused
            assert copy_line(call, odd, call.vaf, call.depth) is None
            line = copy_line(call, plain, call.vaf, call.depth)
            assert line == copy_row(
                _variant_row(7, 9, "somatic", call, plain, call.vaf, call.depth)
            )


@pytest.mark.django_db
def test_the_variant_table_keeps_only_the_indexes_the_case_page_reads():
    """Every index costs each stored row its upkeep: the primary key, and one per sort the case
    page serves from an index, each led by the case. The descending VAF sort scans
    variant_case_vaf backwards; no index on the case alone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'genomics_variant'"
        )
        indexes = dict(cursor.fetchall())
    assert sorted(indexes) == [
        "genomics_variant_pkey",
        "variant_case_gene_sort",
        "variant_case_position",
        "variant_case_vaf",
    ]
    assert all("(case_id," in d for name, d in indexes.items() if name != "genomics_variant_pkey")


@pytest.mark.django_db
def test_dart_sessions_plan_with_the_configured_random_page_cost(settings):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == settings.DART_PG_RANDOM_PAGE_COST == 1.1
