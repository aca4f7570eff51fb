"""HGVS c. and p. from the offline annotator, case by case.

Expected values are written by hand from the transcripts (LRG/RefSeq, GRCh38 unless said)
and the reference bases of ../shared/data/reference; VEP's published notation for the same
changes is the yardstick (e.g. BRAF c.1799T>A p.Val600Glu).
"""

import pytest

from genomics.annotation.annotator import default_annotator
from genomics.annotation.hgvs import p_change, to_short, translate


@pytest.fixture(scope="module")
def grch38():
    return default_annotator("GRCh38")


def _on(result, gene):
    return next(t for t in result.transcripts if t.gene == gene and t.mane_select)


def test_braf_v600e_on_both_assemblies_with_either_chromosome_style():
    for assembly, chrom, pos in (("GRCh38", "chr7", 140753336), ("GRCh37", "7", 140453136)):
        a = default_annotator(assembly).annotate(chrom, pos, "A", "T").chosen
        assert (a.gene, a.transcript) == ("BRAF", "NM_004333.4")
        assert a.hgvsc == "c.1799T>A"
        assert a.hgvsp == "p.Val600Glu"
        assert a.hgvsp_short == "p.V600E"
        assert a.exon == "15/18"
        assert a.codon == 600
        assert a.consequence == ("missense_variant",)
        assert a.impact == "MODERATE"
        assert a.mane_select and a.canonical


def test_braf_v600k_dinucleotide_is_a_delins_with_one_amino_acid_change(grch38):
    a = grch38.annotate("7", 140753336, "AC", "TT").chosen
    assert a.hgvsc == "c.1798_1799delinsAA"
    assert a.hgvsp == "p.Val600Lys"
    assert a.consequence == ("missense_variant",)


def test_insertion_that_changes_one_codon_into_two_is_a_protein_delins(grch38):
    a = grch38.annotate("7", 140753336, "A", "ATTT").chosen  # GTG -> GAAATG
    assert a.hgvsc == "c.1798_1799insAAA"
    assert a.hgvsp == "p.Val600delinsGluMet"
    assert a.hgvsp_short == "p.V600delinsEM"
    assert a.consequence == ("inframe_insertion",)


def test_egfr_exon19_deletions_are_3prime_shifted_and_named_by_protein(grch38):
    # AGGAATTAAGAGAAGC>A deletes c.2235_2249 (GGAATTAAGAGAAGC); cannot shift (c.2250 is A)
    a = grch38.annotate("7", 55174771, "AGGAATTAAGAGAAGC", "A").chosen
    assert a.hgvsc == "c.2235_2249del"
    assert a.hgvsp == "p.Glu746_Ala750del"
    assert a.hgvsp_short == "p.E746_A750del"
    assert a.consequence == ("inframe_deletion",)
    assert a.exon == "19/28"
    # the other common allele deletes c.2236_2250 and gives the same protein
    b = grch38.annotate("7", 55174772, "GGAATTAAGAGAAGCA", "G").chosen
    assert b.hgvsc == "c.2236_2250del"
    assert b.hgvsp == "p.Glu746_Ala750del"


def test_egfr_l858r(grch38):
    a = grch38.annotate("chr7", 55191822, "T", "G").chosen
    assert (a.hgvsc, a.hgvsp_short, a.exon) == ("c.2573T>G", "p.L858R", "21/28")


def test_kras_g12c_and_g12d_on_the_minus_strand(grch38):
    g12c = grch38.annotate("12", 25245351, "C", "A").chosen
    assert (g12c.gene, g12c.transcript) == ("KRAS", "NM_004985.5")
    assert (g12c.hgvsc, g12c.hgvsp, g12c.hgvsp_short) == ("c.34G>T", "p.Gly12Cys", "p.G12C")
    g12d = grch38.annotate("12", 25245350, "C", "T").chosen
    assert (g12d.hgvsc, g12d.hgvsp, g12d.hgvsp_short) == ("c.35G>A", "p.Gly12Asp", "p.G12D")
    assert g12d.exon == "2/5"  # LRG_344t1 has five exons


def test_tp53_nonsense(grch38):
    a = grch38.annotate("17", 7674894, "G", "A").chosen  # c.637 C (minus strand G)
    assert (a.hgvsc, a.hgvsp, a.hgvsp_short) == ("c.637C>T", "p.Arg213Ter", "p.R213*")
    assert a.consequence == ("stop_gained",)
    assert a.impact == "HIGH"


def test_synonymous_is_written_like_vep_with_the_residue(grch38):
    # CGA -> CGG; HGVS p.(Arg213=), VEP p.Arg213=; DART writes the VEP form
    a = grch38.annotate("17", 7674892, "T", "C").chosen
    assert (a.hgvsc, a.hgvsp, a.hgvsp_short) == ("c.639A>G", "p.Arg213=", "p.R213=")
    assert a.consequence == ("synonymous_variant",)


def test_frameshift_deletion_and_duplication_with_fs_ter(grch38):
    a = grch38.annotate("17", 7674893, "CG", "C").chosen
    assert a.hgvsc == "c.637del"
    assert a.hgvsp == "p.Arg213AspfsTer34"
    assert a.hgvsp_short == "p.R213Dfs*34"
    assert a.consequence == ("frameshift_variant",)
    # one more C after c.637: the VCF may write it at either end of the run, HGVS is a dup
    # at the 3'-most copy (on this minus-strand gene the genomically leftmost)
    for pos, ref, alt in ((7674894, "G", "GG"), (7674893, "C", "CG")):
        b = grch38.annotate("17", pos, ref, alt).chosen
        assert b.hgvsc == "c.637dup"
        assert b.hgvsp == "p.Arg213ProfsTer3"


def test_insertion_is_shifted_3prime_on_the_plus_strand(grch38):
    # EGFR c.2236 GAA TTA: a T inserted after c.2238 shifts past c.2239-2240 (TT) -> dup
    a = grch38.annotate("7", 55174775, "A", "AT").chosen
    assert a.hgvsc == "c.2240dup"
    assert a.hgvsp == "p.Leu747PhefsTer16"


def test_start_lost(grch38):
    a = grch38.annotate("17", 7676594, "T", "C").chosen  # TP53 c.1A>G
    assert (a.hgvsc, a.hgvsp, a.hgvsp_short) == ("c.1A>G", "p.Met1?", "p.M1?")
    assert a.consequence == ("start_lost",)


def test_stop_lost_with_extension(grch38):
    # TP53 TGA -> CGA; the new frame reads R H S P L L V P H then TGA
    a = grch38.annotate("17", 7669611, "A", "G").chosen
    assert a.hgvsc == "c.1180T>C"
    assert a.hgvsp == "p.Ter394ArgextTer9"
    assert a.hgvsp_short == "p.*394Rext*9"
    assert a.consequence == ("stop_lost",)


def test_intronic_utr_and_outside_positions(grch38):
    cases = {
        (7674854, "C", "G"): "c.672+5G>C",
        (7674848, "G", "C"): "c.672+11C>G",
        (7674300, "A", "T"): "c.673-10T>A",
        (7674400, "C", "G"): "c.673-110G>C",
        (7676630, "A", "T"): "c.-28-8T>A",  # intron 1 lies in the 5' UTR
        (7669000, "T", "A"): "c.*609A>T",
    }
    for (pos, ref, alt), hgvsc in cases.items():
        a = _on(grch38.annotate("17", pos, ref, alt), "TP53")
        assert a.hgvsc == hgvsc, (pos, a.hgvsc)
        assert a.hgvsp is None
    up = _on(grch38.annotate("17", 7687600, "A", "T"), "TP53")
    assert up.hgvsc is None and up.distance == 50


def test_protein_comparison_rules():
    ref = "MAEEEK*"
    assert p_change(ref, "MAEEK*") == ("p.Glu5del", "inframe_deletion")  # 3'-most Glu
    assert p_change(ref, "MAEEEEK*") == ("p.Glu5dup", "inframe_insertion")
    assert p_change(ref, "MAEEEGK*") == ("p.Glu5_Lys6insGly", "inframe_insertion")
    assert p_change(ref, "MA*", truncated=True) == ("p.Glu3Ter", "stop_gained")
    assert p_change(ref, "MAEEE*") == ("p.Lys6del", "inframe_deletion")
    assert p_change(ref, "MAEEEKRR") == ("p.Ter7ArgextTer?", "stop_lost")
    assert p_change(ref, "MAEQ*", frameshift=True) == ("p.Glu4GlnfsTer2", "frameshift")
    assert to_short("p.Glu746_Ala750del") == "p.E746_A750del"
    assert translate("ATGTGA") == "M*"
