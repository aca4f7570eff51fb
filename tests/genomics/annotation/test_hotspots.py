"""Cancer Hotspots: single-residue, in-frame indel and splice hotspots, matched on protein."""

from genomics.annotation.hotspots import hotspot_lookup, is_hotspot, parse_protein_change


def test_braf_v600e_is_a_hotspot_with_its_counts():
    # hotspots_v2: BRAF 600, Reference_Amino_Acid V:897, Variant_Amino_Acid E:833.
    match = hotspot_lookup("BRAF", "V600E")
    assert match.type == "single_residue"
    assert (match.residue_count, match.change_count) == (897, 833)
    assert is_hotspot("BRAF", "V600E", consequence=["missense_variant"])


def test_kras_g12d_and_the_bare_residue():
    # hotspots_v2: KRAS 12, 2175 samples, D:757.
    assert is_hotspot("KRAS", "G12D")
    assert hotspot_lookup("KRAS", "G12D").change_count == 757
    assert is_hotspot("KRAS", "G12")
    assert hotspot_lookup("KRAS", "G12").change_count is None


def test_tp53_r175h():
    # hotspots_v2: TP53 175, R:416, H:386.
    match = hotspot_lookup("TP53", "R175H")
    assert (match.residue_count, match.change_count) == (416, 386)


def test_egfr_exon19_inframe_deletion_is_an_indel_hotspot():
    # Genome Nexus in-frame indel hotspot EGFR 745-759, 155 tumours, E746_A750del:123.
    match = hotspot_lookup("EGFR", "E746_A750del", consequence=["inframe_deletion"])
    assert match.type == "in_frame_indel"
    assert (match.hotspot.start, match.hotspot.end) == (745, 759)
    assert (match.residue_count, match.change_count) == (155, 123)
    # Another deletion in the same region is at the hotspot, with no count of its own.
    assert hotspot_lookup("EGFR", "L747_T751del").change_count == 9
    assert is_hotspot("EGFR", "p.(Glu746_Ala750del)")


def test_splice_hotspot():
    # hotspots_v2: TP53 X187_splice, 100 samples.
    assert hotspot_lookup("TP53", "X187_splice").residue_count == 100


def test_not_hotspots():
    assert not is_hotspot("BRAF", "V600=")  # synonymous
    assert not is_hotspot("BRAF", "V600E", consequence=["synonymous_variant"])
    assert not is_hotspot("BRAF", "A600E")  # reference amino acid of another isoform
    assert not is_hotspot("BRAF", "V601E")
    assert not is_hotspot("TP53", "R175fs")
    assert not is_hotspot("NOT_A_GENE", "V600E")
    assert not is_hotspot("BRAF", None)


def test_protein_change_parsing():
    assert parse_protein_change("p.Val600Glu").text == "V600E"
    change = parse_protein_change("E746_A750del")
    assert (change.kind, change.start, change.end) == ("inframe", 746, 750)
    assert parse_protein_change("R213*").kind == "nonsense"
    assert parse_protein_change("R213Gfs*5").kind == "frameshift"
