"""OncoTree: tumour types with parents and children, bundled and from the shared release."""

import pytest

from genomics.io.errors import InputError
from genomics.kb import oncotree


def test_bundled_tree_knows_lung_adenocarcinoma_within_nsclc():
    tree = oncotree.bundled()
    assert tree.version == "oncotree_2025_10_03"
    assert tree.is_within("LUAD", "NSCLC")
    assert tree.is_within("LUAD", "LUNG")
    assert tree.is_within("NSCLC", "NSCLC")
    assert not tree.is_within("NSCLC", "LUAD")
    assert not tree.is_within("SCLC", "NSCLC")
    assert tree.path("LUAD") == ["LUNG", "NSCLC", "LUAD"]


def test_parents_children_and_case_insensitive_codes():
    tree = oncotree.bundled()
    assert tree.get("skcm").parent == "MEL"
    assert "SKCM" in tree.children["MEL"]
    assert "READ" in tree.descendants("COADREAD")
    assert tree.ancestors("HGSOC") == ["SOC", "OVT", "OVARY", "TISSUE"]


def test_old_codes_resolve_through_history():
    tree = oncotree.bundled()
    # 2025 table: BLL lists revoked code ALL, CLLSLL lists precursors CLL and SLL
    assert tree.resolve("CLL") == "CLLSLL"
    assert tree.resolve("NOT_A_CODE") is None


def test_shared_release_json_and_table_agree(shared_data):
    folder = shared_data / "kb" / "oncotree"
    source, from_json = oncotree.load(folder / "oncotree_2025_10_03.json.gz")
    _, from_table = oncotree.load(folder / "oncotree_2025_10_03.tumor_types.tsv")
    assert source.version == "oncotree_2025_10_03"
    assert source.licence == "CC-BY-4.0"
    assert len(from_table.nodes) == 898
    assert set(from_json.nodes) == set(from_table.nodes)
    assert from_json.get("LUAD").parent == "NSCLC"


def test_broken_file_is_refused(tmp_path):
    path = tmp_path / "tree.tsv"
    path.write_text("code\tname\nLUAD\tLung Adenocarcinoma\n")
    with pytest.raises(InputError, match="needs the columns"):
        oncotree.load(path)
    path.write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(InputError, match="cannot be read"):
        oncotree.load(path)
