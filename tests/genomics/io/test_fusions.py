"""Fusion reading: each caller's layout gives 5'/3' genes, breakpoints and read support as in
the raw rows quoted in each test."""

from __future__ import annotations

import pytest

from genomics.io.errors import InputError
from genomics.io.fusions import FusionCall, read_fusions


class TestArriba:
    def test_bcr_abl1_record_of_arribas_test_file(self, test_data):
        # BCR ABL1 ... 22:23632600 9:133729451 ... split_reads1 4, split_reads2 7,
        # discordant_mates 0, confidence high, reading_frame in-frame
        result = read_fusions(test_data / "fusions" / "arriba_test_fusions.tsv")
        assert result.format == "arriba"
        assert result.records == 1
        assert result.fusions == [
            FusionCall(
                "BCR", "ABL1", "22:23632600", "9:133729451", 11, "Arriba", "high", "in-frame"
            )
        ]

    def test_intergenic_partner_loses_arribas_distances(self, shared_data):
        # PTEN  ENSG00000200891(21548),MED6P1(31892)  chr10:87952259 chr10:88016243  163 146 6
        path = shared_data / "fusions" / "pvacfuse_HCC1395_arriba_fusions.grch38.tsv"
        result = read_fusions(path)
        first = result.fusions[0]
        assert (first.gene5, first.gene3) == ("PTEN", "ENSG00000200891,MED6P1")
        assert (first.breakpoint5, first.breakpoint3) == ("chr10:87952259", "chr10:88016243")
        assert first.reads == 163 + 146 + 6
        assert result.records == 181 == len(result.fusions)
        assert {f.confidence for f in result.fusions} == {"high", "medium", "low"}

    def test_older_layout_without_coverage_and_tags(self, tmp_path):
        # Arriba 1.x column order: direction before split reads, no coverage/tags/ids columns
        path = tmp_path / "fusions.tsv"
        path.write_text(
            "#gene1\tgene2\tstrand1(gene/fusion)\tstrand2(gene/fusion)\tbreakpoint1\tbreakpoint2"
            "\tsite1\tsite2\ttype\tdirection1\tdirection2\tsplit_reads1\tsplit_reads2"
            "\tdiscordant_mates\tconfidence\tclosest_genomic_breakpoint1"
            "\tclosest_genomic_breakpoint2\tfilters\tfusion_transcript\treading_frame"
            "\tpeptide_sequence\tread_identifiers\n"
            "TMPRSS2\tERG\t-/-\t-/-\t21:42880008\t21:39956869\tsplice-site\tsplice-site"
            "\tdeletion\tupstream\tdownstream\t12\t9\t20\thigh\t.\t.\t.\t.\tin-frame\t.\t.\n"
        )
        result = read_fusions(path)
        assert result.fusions == [
            FusionCall(
                "TMPRSS2", "ERG", "21:42880008", "21:39956869", 41, "Arriba", "high", "in-frame"
            )
        ]


class TestStarFusion:
    def test_current_abridged_layout(self, test_data):
        # EIF3K--CYP39A1  JunctionReadCount 210  SpanningFragCount 3 ... chr19:38632678:+
        result = read_fusions(
            test_data / "fusions" / "pvacfuse_star-fusion.fusion_predictions.abridged.tsv"
        )
        assert result.format == "star_fusion"
        assert result.caller == "STAR-Fusion"
        assert result.fusions[0] == FusionCall(
            "EIF3K", "CYP39A1", "chr19:38632678", "chr6:46639668", 213, "STAR-Fusion", None
        )
        assert len(result.fusions) == 6

    def test_2016_layout_with_j_ffpm(self, test_data):
        # THRA--AC090627.1  68  98 ... THRA^ENSG00000126351.8  chr17:38243106:+
        result = read_fusions(
            test_data
            / "fusions"
            / "starfusion_BT474_chr17.fusion_candidates.final.abridged.FFPM.tsv"
        )
        assert result.caller == "STAR-Fusion (2016 layout)"
        assert result.records == 34
        first = result.fusions[0]
        assert (first.gene5, first.gene3, first.reads) == ("THRA", "AC090627.1", 166)
        assert first.breakpoint3 == "chr17:46371709"


class TestOtherTables:
    def test_pcgr_fusion_table(self, shared_data):
        result = read_fusions(shared_data / "fusions" / "pcgr_T001-COAD.grch38.fusions.tsv")
        assert (
            FusionCall("EML4", "ALK", "2:42295554", "2:29223528", 100, "PCGR table", None)
            in result.fusions
        )

    def test_isofox_header_only_is_a_valid_empty_result(self, shared_data):
        result = read_fusions(
            shared_data / "fusions" / "hmf_orange_COLO829.isofox.pass_fusions.header_only.tsv"
        )
        assert result.format == "isofox_fusions"
        assert result.fusions == []
        assert result.records == 0


class TestBreakendVcf:
    def test_rna_fusion_vcf_uses_genea_geneb(self, shared_data):
        # 2 42295516 . N N]2:29223528] ... GENEA=EML4;GENEB=ALK ... FOUND_IN=arriba,starfusion,
        # fusioncatcher ... FRAME_STATUS=INFRAME  GT:DV:RV:FFPM ./1:4:0:8.0339
        result = read_fusions(
            shared_data / "fusions" / "scout_fusion_data.rna_fusion_bnd.vcf.gz", assembly="GRCh37"
        )
        assert result.records == 5
        assert result.fusions[0] == FusionCall(
            "EML4",
            "ALK",
            "2:42295516",
            "2:29223528",
            4,
            "arriba,starfusion,fusioncatcher",
            "PASS",
            "INFRAME",
        )

    @pytest.fixture
    def esvee_genes(self, tmp_path):
        # Hand-made genes around ESVEE record 1842: 1:87337011 T]10:36119127] (MATEID 28316)
        path = tmp_path / "genes.bed"
        path.write_text(
            "1\t87336000\t87338000\tPLUSGENE\t0\t+\n10\t36118000\t36120000\tMINUSGENE\t0\t-\n"
        )
        return path

    def test_breakend_pair_gives_one_fusion_oriented_by_strand(self, shared_data, esvee_genes):
        # t]p]: both sides keep the sequence on their left: the 5' part of the + gene on chr1
        # and the 3' part of the - gene on chr10. tumor_sample VF=49; FILTER PASS
        result = read_fusions(
            shared_data / "vcf" / "hmf_orange_COLO829.purple.sv.esvee.grch37.vcf",
            assembly="GRCh37",
            gene_table=esvee_genes,
        )
        assert result.caller == "ESVEE"
        assert result.records == 543
        assert result.fusions == [
            FusionCall("PLUSGENE", "MINUSGENE", "1:87337011", "10:36119127", 49, "ESVEE", "PASS")
        ]
        assert any("single breakend" in warning for warning in result.warnings)

    def test_same_strand_genes_both_keeping_their_5_prime_parts_make_no_fusion(
        self, shared_data, tmp_path
    ):
        path = tmp_path / "genes.bed"
        path.write_text("1\t87336000\t87338000\tPLUSA\t0\t+\n10\t36118000\t36120000\tPLUSB\t0\t+\n")
        result = read_fusions(
            shared_data / "vcf" / "hmf_orange_COLO829.purple.sv.esvee.grch37.vcf",
            assembly="GRCh37",
            gene_table=path,
        )
        assert result.fusions == []
        assert any("orientation" in warning for warning in result.warnings)

    def test_delly_translocation_with_tumor_dv_plus_rv(self, shared_data, tmp_path):
        # 21 42843749 BND00000094 C ]15:80623247]C; ]p]t keeps the right of chr21 (5' part of a
        # - gene) and the left of chr15 (3' part of a - gene). TUMOR DV 184 + RV 172 = 356,
        # NORMAL 0 + 0
        path = tmp_path / "genes.tsv"
        path.write_text(
            "gene\tchrom\tstart\tend\tstrand\n"
            "GENE21\t21\t42836478\t42903043\t-\nGENE15\t15\t80600000\t80700000\t-\n"
        )
        result = read_fusions(
            shared_data / "vcf" / "vcf2maf_test_delly_somatic_sv.grch37.vcf",
            assembly="GRCh37",
            gene_table=path,
        )
        assert result.caller == "DELLY"
        fusion = result.fusions[0]
        assert (fusion.gene5, fusion.gene3) == ("GENE21", "GENE15")
        assert (fusion.breakpoint5, fusion.breakpoint3) == ("21:42843749", "15:80623247")
        assert fusion.reads == 356
        assert fusion.confidence == "PASS"

    def test_manta_file_reads_without_error(self, shared_data):
        result = read_fusions(
            shared_data / "vcf" / "scout_manta_somatic_sv.vep94.grch37.vcf.gz", assembly="GRCh37"
        )
        assert result.caller == "Manta"
        assert result.records == 15


class TestRefusals:
    def test_empty_file(self, tmp_path):
        path = tmp_path / "fusions.tsv"
        path.write_bytes(b"")
        with pytest.raises(InputError, match="fusions.tsv: the file is empty"):
            read_fusions(path)

    def test_unknown_columns_list_the_known_formats(self, shared_data):
        with pytest.raises(InputError) as error:
            read_fusions(shared_data / "fusions" / "hmf_orange_COLO829.linx.fusion.tsv")
        assert error.value.line == 1
        assert "not recognised" in str(error.value)
        assert "arriba (Arriba fusions.tsv" in str(error.value)

    def test_short_row(self, tmp_path, test_data):
        text = (test_data / "fusions" / "arriba_test_fusions.tsv").read_text()
        path = tmp_path / "cut.tsv"
        path.write_text(text.splitlines()[0] + "\nBCR\tABL1\t+/+\n")
        with pytest.raises(InputError, match=r"cut.tsv, line 2: the row has 3 columns"):
            read_fusions(path)

    def test_non_numeric_reads(self, tmp_path, test_data):
        text = test_data / "fusions" / "pvacfuse_star-fusion.fusion_predictions.abridged.tsv"
        lines = text.read_text().splitlines()
        lines[1] = lines[1].replace("\t210\t", "\tmany\t", 1)
        path = tmp_path / "sf.tsv"
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(InputError, match="line 2: JunctionReadCount value 'many'"):
            read_fusions(path)

    @pytest.mark.parametrize("reads", ["1e12", "-5"])
    def test_reads_no_sequencing_run_gives(self, tmp_path, test_data, reads):
        text = test_data / "fusions" / "pvacfuse_star-fusion.fusion_predictions.abridged.tsv"
        lines = text.read_text().splitlines()
        lines[1] = lines[1].replace("\t210\t", f"\t{reads}\t", 1)
        path = tmp_path / "sf.tsv"
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(InputError, match="line 2: the supporting read count .* is not a count"):
            read_fusions(path)

    def test_small_variant_vcf_given_as_fusions(self, shared_data):
        with pytest.raises(InputError, match="small variants.*not fusion"):
            read_fusions(shared_data / "vcf" / "vcf2maf_test_varscan2_somatic.grch37.vcf")
