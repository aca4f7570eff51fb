"""The curated core table ships with DART, loads offline and refuses a broken file."""

import pytest

from genomics.io.errors import InputError
from genomics.kb import curated


def test_curated_table_loads_with_source_and_version():
    source, items = curated.load()
    assert source.name == "DART curated core"
    assert source.version == "2026.11.1"
    assert source.licence == "Apache-2.0"
    assert source.research_only is False
    assert len({item.source_id for item in items}) >= 40


def test_every_row_names_its_source_and_a_citation():
    _, items = curated.load()
    for item in items:
        assert item.citations, item.source_id
        assert all(c.startswith(("PMID:", "https://")) for c in item.citations)
        assert "Source: " in item.statement


def test_braf_v600e_melanoma_is_one_combination_with_fda_approval():
    _, items = curated.load()
    [row] = [
        i for i in items if i.source_id == "DART-CC-001" and i.biomarker.protein_change == "V600E"
    ]
    assert row.drugs == ("dabrafenib", "trametinib")
    assert row.therapy == "Dabrafenib + Trametinib"
    assert row.tumor_type == "MEL"
    assert row.fda_approved and row.ema_approved
    assert (row.level, row.escat, row.direction) == ("A", "I-A", "sensitivity")
    assert "PMID:25265492" in row.citations


def test_ras_resistance_in_colorectal_cancer_is_in_the_table():
    _, items = curated.load()
    ras = [
        i
        for i in items
        if i.direction == "resistance"
        and i.tumor_type == "COADREAD"
        and i.biomarker.gene in ("KRAS", "NRAS")
    ]
    assert {i.drugs for i in ras} == {("cetuximab",), ("panitumumab",)}
    assert {i.biomarker.codon for i in ras if i.biomarker.gene == "KRAS"} >= {12, 13, 61, 146}


def test_tumour_agnostic_rows_have_no_tumour_type_and_keep_exclusions():
    _, items = curated.load()
    [agnostic] = [i for i in items if i.source_id == "DART-CC-007"]
    assert agnostic.tumor_type is None
    assert agnostic.excluded_tumor_types == ("COADREAD",)


def test_broken_row_is_refused_with_file_and_line(tmp_path):
    path = tmp_path / "curated.tsv"
    lines = curated.DEFAULT_PATH.read_text().splitlines()
    header_index = next(i for i, line in enumerate(lines) if line.startswith("id\t"))
    lines[header_index + 1] = lines[header_index + 1].replace("\tsensitivity\t", "\tmaybe\t")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as error:
        list(curated.iter_records(path))
    assert error.value.filename == "curated.tsv"
    assert error.value.line == header_index + 2
    assert "DART-CC-001" in str(error.value)


def test_missing_columns_and_short_rows_are_refused(tmp_path):
    path = tmp_path / "curated.tsv"
    path.write_text("id\tgene\nDART-1\tBRAF\n")
    with pytest.raises(InputError, match="lacks the column"):
        list(curated.iter_records(path))
    lines = curated.DEFAULT_PATH.read_text().splitlines()
    path.write_text("\n".join(lines[:5]) + "\nDART-X\tBRAF\n")
    with pytest.raises(InputError, match="fields where the header has"):
        list(curated.iter_records(path))


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="cannot be opened"):
        list(curated.iter_records(tmp_path / "absent.tsv"))
