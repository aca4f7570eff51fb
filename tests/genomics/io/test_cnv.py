"""Copy-number reading: segments from each caller become gene calls by the written rule.

Expected values are worked out by hand from the raw rows quoted in each test and the rule in
docs/copy-number-rule.md (thresholds relative to ploidy P: deep deletion CN < 0.5, loss
CN < P - 0.5, gain CN > P + 0.5, amplification CN >= 2.5 P; log2 -> CN with purity p:
CN = (2**log2 * (p*P + 2(1-p)) - 2(1-p)) / p).
"""

from __future__ import annotations

import gzip

import pytest

from genomics.io.cnv import GeneCopyNumber, call_for, copy_number_from_log2, read_copy_number
from genomics.io.errors import InputError


def by_gene(result):
    return {call.gene: call for call in result.calls}


class TestRule:
    def test_thresholds_for_a_diploid_tumor(self):
        copy_numbers = (0.0, 0.49, 1.0, 1.49, 1.5, 2.0, 2.5, 3.0, 4.9, 5.0)
        assert [call_for(cn, 2.0) for cn in copy_numbers] == [
            "deep_deletion",
            "deep_deletion",
            "loss",
            "loss",
            None,
            None,
            None,
            "gain",
            "gain",
            "amplification",
        ]

    def test_thresholds_follow_the_ploidy(self):
        # ploidy 3.1: neutral 2.6-3.6, amplification from 7.75
        assert call_for(2.01, 3.1) == "loss"
        assert call_for(3.0, 3.1) is None
        assert call_for(4.0, 3.1) == "gain"
        assert call_for(7.7, 3.1) == "gain"
        assert call_for(7.75, 3.1) == "amplification"

    def test_log2_without_purity_reads_a_pure_tumor(self):
        assert copy_number_from_log2(0.0, purity=None, ploidy=2.0) == pytest.approx(2.0)
        assert copy_number_from_log2(1.0, purity=None, ploidy=2.0) == pytest.approx(4.0)

    def test_purity_deepens_a_loss(self):
        # log2 -1 at purity 0.5: (0.5 * (0.5*2 + 1) - 1) / 0.5 = 0 copies
        assert copy_number_from_log2(-1.0, purity=0.5, ploidy=2.0) == pytest.approx(0.0)
        # log2 +1 at purity 0.5: (2 * 2 - 1) / 0.5 = 6 copies
        assert copy_number_from_log2(1.0, purity=0.5, ploidy=2.0) == pytest.approx(6.0)


class TestCnvkit:
    def test_segment_gene_column_and_zero_based_start(self, test_data):
        # chr1 160786623 160786747 LY9 log2 -1.87949: pure -> 2 * 2**-1.87949 = 0.544 -> loss
        result = read_copy_number(test_data / "cnv" / "cnvkit_amplicon.cns")
        assert result.format == "cnvkit_cns"
        assert result.caller == "CNVkit"
        assert by_gene(result)["LY9"] == GeneCopyNumber(
            "LY9", "loss", 0.54, -1.8795, "chr1:160786624-160786747"
        )
        assert any("purity not given" in warning for warning in result.warnings)

    def test_purity_turns_the_same_segment_into_a_deep_deletion(self, test_data):
        # purity 0.5: (0.2718 * 2 - 1) / 0.5 < 0 -> 0 copies
        result = read_copy_number(test_data / "cnv" / "cnvkit_amplicon.cns", purity=0.5)
        assert by_gene(result)["LY9"].call == "deep_deletion"
        assert by_gene(result)["LY9"].copy_number == 0.0
        assert result.purity == 0.5

    def test_segments_ending_before_they_start_are_skipped(self, test_data):
        # "chr2 212578209 212576985 ERBB4 -2.41229 0" is in CNVkit's own test file
        result = read_copy_number(test_data / "cnv" / "cnvkit_amplicon.cns")
        assert any("end before the start" in warning for warning in result.warnings)

    def test_call_cns_uses_the_integer_copy_number(self, shared_data):
        # chr13 78472283 78700656 EDNRB log2 1.08571 cn 5; chr6 ... HLA-DQB1 cn 0
        result = read_copy_number(shared_data / "cnv" / "cnvkit_p2-9_2.call.cns")
        calls = by_gene(result)
        assert calls["EDNRB"] == GeneCopyNumber(
            "EDNRB", "amplification", 5.0, 1.0857, "chr13:78472284-78700656"
        )
        assert calls["HLA-DQB1"].call == "deep_deletion"
        assert result.segments == 313

    def test_segmetrics_layout_is_read(self, shared_data):
        result = read_copy_number(shared_data / "cnv" / "cnvkit_tr95t.segmetrics.cns")
        assert result.format == "cnvkit_cns"
        assert result.segments == 124

    def test_bin_level_cnr_is_refused_with_advice(self, shared_data):
        with pytest.raises(InputError, match=r"bin-level ratios \(\.cnr\).*\.cns"):
            read_copy_number(shared_data / "cnv" / "cnvkit_p2-9_2.cnr")


class TestAbsoluteCopyNumber:
    def test_purple_segments_with_the_tumor_ploidy(self, shared_data):
        # COLO829 ploidy 3.1; "1 87337012 118516186 2.0076" holds DPYD (GRCh37) -> loss
        result = read_copy_number(
            shared_data / "cnv" / "hmf_orange_COLO829.purple.cnv.somatic.grch37.tsv",
            assembly="GRCh37",
            ploidy=3.1,
        )
        assert result.format == "purple_cnv"
        assert result.segments == 222
        assert by_gene(result)["DPYD"] == GeneCopyNumber(
            "DPYD", "loss", 2.01, None, "1:87337012-118516186"
        )
        assert any("only" in w and "LRG genes" in w for w in result.warnings)

    def test_a_whole_genome_gene_table_names_genes_beyond_the_lrg_set(self, shared_data):
        # SpliceAI's GRCh37 gene models (GPL-3.0: read from the user's file, never bundled):
        # "CNOT1 16 - 58553854 58663790" (0-based TX_START) overlaps the PURPLE segment
        # "16 58624546 58663330 -0.0117" -> no copies left, a deep deletion
        table = shared_data / "reference/GRCh37/spliceai_canonical_gene_models.GRCh37.tsv.gz"
        path = shared_data / "cnv" / "hmf_orange_COLO829.purple.cnv.somatic.grch37.tsv"
        bundled = read_copy_number(path, assembly="GRCh37", ploidy=3.1)
        genome_wide = read_copy_number(path, assembly="GRCh37", ploidy=3.1, gene_table=table)
        assert "CNOT1" not in by_gene(bundled)
        assert by_gene(genome_wide)["CNOT1"] == GeneCopyNumber(
            "CNOT1", "deep_deletion", 0.0, None, "16:58624546-58663330"
        )
        assert len(genome_wide.calls) > 10 * len(bundled.calls)
        assert not any("LRG genes" in w for w in genome_wide.warnings)

    def test_ascat_major_plus_minor(self, shared_data):
        # "1 84479306 84999343 6 0" -> 6 copies, GNG5 (GRCh38 1:84498324-84506579) amplified
        result = read_copy_number(
            shared_data / "cnv" / "sarek_ascat_HCC1395T_vs_HCC1395N.cnvs.grch38.txt"
        )
        assert result.format == "ascat_segments"
        assert by_gene(result)["GNG5"] == GeneCopyNumber(
            "GNG5", "amplification", 6.0, None, "1:84479306-84999343"
        )

    def test_pcgr_allele_specific_table(self, test_data):
        result = read_copy_number(test_data / "cnv" / "pcgr_T001-COAD.grch38.cna.tsv")
        assert result.format == "pcgr_cna"
        assert result.segments == 260
        calls = by_gene(result)
        # "1 809641 37651942 1 0": one copy of e.g. TP73 (GRCh38 1:3652516-3736201) -> loss
        assert calls["TP73"] == GeneCopyNumber("TP73", "loss", 1.0, None, "1:809641-37651942")

    def test_purity_is_not_applied_twice_to_absolute_copy_numbers(self, test_data):
        result = read_copy_number(test_data / "cnv" / "pcgr_T001-COAD.grch38.cna.tsv", purity=0.4)
        assert by_gene(result)["TP73"].copy_number == 1.0
        assert any("not applied again" in warning for warning in result.warnings)

    def test_neutral_genes_give_no_call(self, shared_data):
        # nf-core subject_a is nearly diploid: only two short segments at ~1 copy
        result = read_copy_number(
            shared_data / "cnv" / "purple_subject_a.tumor.purple.cnv.somatic.grch38.tsv"
        )
        assert {(c.gene, c.call) for c in result.calls} == {("MLLT3", "loss"), ("KMT2A", "loss")}

    def test_purple_gene_table(self, tmp_path):
        path = tmp_path / "t.purple.cnv.gene.tsv"
        path.write_text(
            "chromosome\tstart\tend\tgene\tminCopyNumber\tmaxCopyNumber\n"
            "17\t39687914\t39730426\tERBB2\t24.6\t25.1\n"
            "9\t21967752\t21995301\tCDKN2A\t0.02\t1.9\n"
            "7\t55019017\t55211628\tEGFR\t2.1\t2.2\n"
        )
        calls = by_gene(read_copy_number(path, ploidy=2.0))
        assert calls["ERBB2"].call == "amplification"
        assert calls["CDKN2A"].call == "deep_deletion"
        assert "EGFR" not in calls


class TestCnvVcf:
    path = "cnv/scout_tumor_only.cnvkit_manta.sv_cnv.grch37.vcf.gz"

    def test_lowest_segment_decides_the_gene(self, shared_data):
        # ETV6 (GRCh37 12:11802788-12048336) spans three CNVkit DUPs: CN 3 (12:60500-12026124),
        # CN 5 (12026125-12037535), CN 3 -> the gene is only gained, at 3 copies
        result = read_copy_number(shared_data / self.path, assembly="GRCh37")
        assert result.format == "cnv_vcf"
        assert "CNVkit" in result.caller
        assert by_gene(result)["ETV6"] == GeneCopyNumber(
            "ETV6", "gain", 3.0, 0.3484, "12:60501-12026124"
        )

    def test_fold_change_is_used_when_there_is_no_cn(self, shared_data):
        # "1 87337012"-style: <DEL> 13:49028649 END=86759824 FOLD_CHANGE_LOG=-0.47918, no CN:
        # pure: 2 * 2**-0.47918 = 1.43 -> loss; RB1 (GRCh37 13:48877887-49056026) spans it and
        # the DEL 13:19020500-48476111 does not reach RB1
        result = read_copy_number(shared_data / self.path, assembly="GRCh37")
        rb1 = by_gene(result)["RB1"]
        assert rb1.call == "loss"
        assert rb1.copy_number == 1.43
        assert rb1.log2 == -0.4792

    def test_breakends_and_small_deletions_are_skipped_with_a_warning(self, shared_data):
        result = read_copy_number(shared_data / self.path, assembly="GRCh37")
        assert result.segments == 29
        assert any("6 record(s) skipped" in warning for warning in result.warnings)

    def test_the_case_assembly_is_checked_against_contig_lengths(self, shared_data):
        with pytest.raises(InputError, match="GRCh37, but the case is GRCh38"):
            read_copy_number(shared_data / self.path, assembly="GRCh38")


class TestRefusals:
    def test_empty_file(self, tmp_path):
        path = tmp_path / "empty.cns"
        path.write_bytes(b"")
        with pytest.raises(InputError, match="empty.cns: the file is empty"):
            read_copy_number(path)

    def test_non_numeric_log2_names_the_line(self, tmp_path):
        path = tmp_path / "bad.cns"
        path.write_text(
            "chromosome\tstart\tend\tgene\tlog2\tprobes\n"
            "chr1\t100\t200\tA\t0.1\t3\n"
            "chr1\t300\t400\tB\thigh\t3\n"
        )
        with pytest.raises(InputError) as error:
            read_copy_number(path)
        assert error.value.line == 3
        assert "log2 value 'high' is not a number" in str(error.value)

    def test_position_with_thousands_separator(self, tmp_path):
        path = tmp_path / "bad.tsv"
        path.write_text("chr\tstartpos\tendpos\tnMajor\tnMinor\n1\t12,345\t20000\t1\t1\n")
        with pytest.raises(InputError, match="line 2: startpos value '12,345'"):
            read_copy_number(path)

    def test_expression_table_given_as_copy_number(self, test_data):
        with pytest.raises(InputError, match="not copy number; copy number formats"):
            read_copy_number(test_data / "expression" / "vatools_kallisto.genes.tsv")

    def test_truncated_gzip(self, tmp_path, test_data):
        data = gzip.compress((test_data / "cnv" / "cnvkit_amplicon.cns").read_bytes())
        path = tmp_path / "cut.cns.gz"
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(InputError, match="gzip but truncated"):
            read_copy_number(path)

    def test_purity_out_of_range(self, test_data):
        with pytest.raises(InputError, match="purity 40"):
            read_copy_number(test_data / "cnv" / "cnvkit_amplicon.cns", purity=40)
