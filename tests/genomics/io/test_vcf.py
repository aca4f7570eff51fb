"""The small-variant VCF reader: callers, samples, VAF/depth, normalisation and validation.

Expected VAF/depth values were read off the raw lines by hand (the arithmetic is in the comment
beside each), not computed by the code under test.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from genomics.io.errors import InputError
from genomics.io.vcf import VariantCall, iter_variants, read_header, require_tumor_sample


def calls(path: Path, **kwargs) -> tuple[object, dict[tuple[str, int, str, str], VariantCall]]:
    header = read_header(path, **{k: v for k, v in kwargs.items() if k != "fasta"})
    out = {(v.chrom, v.pos, v.ref, v.alt): v for v in iter_variants(path, header)}
    return header, out


# ---- per caller -------------------------------------------------------------------------


def test_mutect2_tumor_normal_reads_af_ad_dp_of_the_named_tumor_column(test_data):
    header, got = calls(test_data / "vcf/somaticseq_paired_MuTect2.tiny_ref.vcf.gz")
    assert (header.caller, header.caller_version) == ("mutect2", "2.2")
    assert header.samples == ["NORMAL", "TUMOR"]  # normal column first
    assert (header.tumor_sample, header.normal_sample) == ("TUMOR", "NORMAL")
    assert header.sample_resolution == "header"  # ##tumor_sample / ##normal_sample
    # 1 8492 G A PASS  NORMAL 0/0:30,0:0.032:30  TUMOR 0/1:0,45:0.979:45
    v = got[("1", 8492, "G", "A")]
    assert (v.vaf, v.depth, v.alt_count) == (0.979, 45, 45)
    assert (v.normal_vaf, v.normal_depth) == (0.032, 30)
    assert v.passed and v.filters == ("PASS",)


def test_mutect2_multiallelic_record_is_split_with_per_allele_af_and_ad(test_data):
    _, got = calls(test_data / "vcf/somaticseq_paired_MuTect2.tiny_ref.vcf.gz")
    # 1 92705 G C,GC multiallelic  TUMOR 0/1/2:0,21,27:0.416,0.565:48
    c = got[("1", 92705, "G", "C")]
    gc = got[("1", 92705, "G", "GC")]
    assert (c.vaf, c.alt_count, c.depth, c.allele_index) == (0.416, 21, 48, 1)
    assert (gc.vaf, gc.alt_count, gc.depth, gc.allele_index) == (0.565, 27, 48, 2)
    assert c.original == gc.original == "1:92705:G:C,GC"
    assert c.filters == ("multiallelic",) and not c.passed  # filtered records are kept


def test_mutect2_tumor_only_older_version(shared_data):
    header, got = calls(shared_data / "vcf/somaticseq_tumor_only_MuTect2.tiny_ref.vcf.gz")
    assert (header.caller, header.caller_version) == ("mutect2", "2.1")
    assert (header.tumor_sample, header.normal_sample) == ("TUMOR", None)
    # 1 8450 T G  TUMOR 0/1:0,44:0.989:...  (no DP in this older FORMAT: depth = sum(AD) = 44)
    v = got[("1", 8450, "T", "G")]
    assert (v.vaf, v.depth, v.alt_count, v.normal_vaf) == (0.989, 44, 44, None)


def test_mutect1_uses_fa(shared_data):
    header, got = calls(shared_data / "vcf/vcf2maf_test_mutect1_somatic.grch37.vcf")
    assert header.caller == "mutect1"
    # 1 2587467 T A REJECT  NORMAL 0:4,0:.:4:0.00  TUMOR 0/1:11,3:29:14:0.214
    v = got[("1", 2587467, "T", "A")]
    assert (v.vaf, v.depth, v.alt_count) == (0.214, 14, 3)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 4)
    assert not v.passed


def test_mutect1_tumor_first_columns_found_by_sample_names(shared_data):
    header = read_header(shared_data / "vcf/varcode_mutect1_example.hg19.vcf")
    assert (header.tumor_sample, header.normal_sample) == ("SomaticSample", "NormalSample")
    assert header.assembly == "GRCh37"


def test_strelka2_snv_uses_tier1_counts_of_ref_and_alt_bases(test_data):
    header, got = calls(test_data / "vcf/somaticseq_paired_Strelka.snv.tiny_ref.vcf.gz")
    assert (header.caller, header.caller_version) == ("strelka2", "2.9.5")
    assert (header.tumor_sample, header.normal_sample) == ("TUMOR", "NORMAL")
    # 1 8450 T G  NORMAL DP 30, GU 1,1, TU 29,29 -> 1/(29+1)
    #             TUMOR  DP 44, GU 44,44, TU 0,0 -> 44/(0+44)
    v = got[("1", 8450, "T", "G")]
    assert (v.vaf, v.depth, v.alt_count) == (1.0, 44, 44)
    assert v.normal_vaf == pytest.approx(1 / 30)
    assert v.normal_depth == 30


def test_strelka2_indel_uses_tier1_tar_tir(test_data):
    _, got = calls(test_data / "vcf/somaticseq_paired_Strelka.indel.tiny_ref.vcf.gz")
    # 1 22129 A ATAGCTGAC  TUMOR DP 54 TAR 23,23 TIR 27,27 -> 27/(23+27) = 0.54
    v = got[("1", 22129, "A", "ATAGCTGAC")]
    assert v.vaf == pytest.approx(0.54)
    assert (v.depth, v.alt_count) == (54, 27)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 35)  # TAR 35, TIR 0


def test_strelka1_indels(shared_data):
    header, got = calls(shared_data / "vcf/varcode_strelka1_indels_example.hg19.vcf")
    assert header.caller == "strelka1"
    assert len(got) == 20


def test_varscan2_freq_is_a_percent_string_and_ad_is_alt_only(test_data):
    header, got = calls(test_data / "vcf/vcf2maf_test_varscan2_somatic.grch37.head.vcf")
    assert header.caller == "varscan2"
    # 1 1991014 A G  NORMAL 0/1:.:117:59:56:48.7%  TUMOR 0/1:.:91:56:35:38.46%
    v = got[("1", 1991014, "A", "G")]
    assert v.vaf == pytest.approx(0.3846)
    assert (v.depth, v.alt_count) == (91, 35)
    assert v.normal_vaf == pytest.approx(0.487)
    assert v.normal_depth == 117


def test_varscan2_slash_alt_is_skipped_with_a_warning(shared_data):
    header, got = calls(shared_data / "vcf/vcf2maf_test_varscan2_somatic.grch37.vcf")
    assert len(got) == 499  # 500 records, one has ALT 'A/T'
    assert any("line 110" in w and "A/T" in w for w in header.warnings)


def test_vardict_tumor_first(shared_data):
    header, got = calls(shared_data / "vcf/somaticseq_paired_VarDict.tiny_ref.vcf.gz")
    assert header.caller == "vardict"
    assert header.samples == ["TUMOR", "NORMAL"]
    assert (header.tumor_sample, header.normal_sample) == ("TUMOR", "NORMAL")
    # 1 8450 T G  TUMOR 1/1:44:44:22,22:0,0:0,44:1  NORMAL 0/0:29:0:0,0:15,14:29,0:0
    v = got[("1", 8450, "T", "G")]
    assert (v.vaf, v.depth, v.alt_count) == (1.0, 44, 44)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 29)


def test_freebayes_uses_ao_ro(shared_data):
    path = shared_data / "vcf/cnvkit_na12878_vs_na12882_mix.freebayes_snv-unifier.hg19.vcf.gz"
    header, got = calls(path, tumor_sample="NA12878")
    assert header.caller == "freebayes"
    assert header.sample_resolution == "user's choice"
    assert header.normal_sample == "NA12882"
    # chr1 2488153 A G  NA12878 DP 107 RO 64 AO 45 -> 45/(64+45)
    v = got[("chr1", 2488153, "A", "G")]
    assert v.vaf == pytest.approx(45 / 109)
    assert (v.depth, v.alt_count) == (107, 45)


def test_freebayes_paired_scout_finds_tumor_from_sample_lines(shared_data):
    path = shared_data / "vcf/scout_cancer_test.freebayes_paired.vep95.grch37.vcf.gz"
    header, got = calls(path)
    # ##SAMPLE=<ID=TUMOR,SampleName=999-99,...>; columns 999-99, 998-99
    assert (header.tumor_sample, header.normal_sample) == ("999-99", "998-99")
    assert header.annotation_key == "CSQ" and "HGVSp" in header.annotation_fields
    # 5 170837543 C CTCTG  999-99 0/1:4046:1209:0.299  998-99 0/0:2937:0:0
    v = got[("5", 170837543, "C", "CTCTG")]
    assert (v.vaf, v.depth, v.alt_count) == (0.299, 4046, 1209)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 2937)
    assert v.annotation and "NPM1" in v.annotation


def test_lofreq_has_no_sample_columns_and_uses_info(shared_data):
    header, got = calls(shared_data / "vcf/somaticseq_paired_LoFreq.snv.tiny_ref.vcf.gz")
    assert header.caller == "lofreq"
    assert header.samples == [] and header.tumor_sample is None
    # 1 8492 G A  DP=45;AF=1.000000;DP4=0,0,24,21;SOMATIC
    v = got[("1", 8492, "G", "A")]
    assert (v.vaf, v.depth, v.alt_count) == (1.0, 45, 45)
    assert "SOMATIC" in v.info


def test_lofreq_zero_record_file_is_valid(shared_data):
    header, got = calls(shared_data / "vcf/somaticseq_paired_LoFreq.indel.tiny_ref.vcf.gz")
    assert got == {}


def test_muse_tumor_first_from_header_lines(shared_data):
    header, got = calls(shared_data / "vcf/somaticseq_paired_MuSE.tiny_ref.vcf.gz")
    assert header.caller == "muse"
    assert header.samples == ["TUMOR", "NORMAL"]
    # 1 8492 G A  TUMOR 1/1:45:0,45  NORMAL 0/0:31:30,0  (no AF: VAF = 45/(0+45))
    v = got[("1", 8492, "G", "A")]
    assert (v.vaf, v.depth, v.alt_count) == (1.0, 45, 45)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 31)


def test_somaticsniper_counts_alt_base_in_bcount(shared_data):
    header, got = calls(shared_data / "vcf/somaticseq_paired_SomaticSniper.tiny_ref.vcf.gz")
    assert header.caller == "somaticsniper"
    # 1 8492 G A  TUMOR DP 45 BCOUNT 45,0,0,0 (A,C,G,T)  NORMAL DP 31 BCOUNT 0,0,30,1
    v = got[("1", 8492, "G", "A")]
    assert (v.vaf, v.depth, v.alt_count) == (1.0, 45, 45)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 31)
    assert v.filters == (".",) and v.passed


def test_scalpel(shared_data):
    header, got = calls(shared_data / "vcf/somaticseq_paired_Scalpel.tiny_ref.vcf.gz")
    assert (header.caller, header.caller_version) == ("scalpel", "0.5.4")
    # 1 22129 A ATAGCTGAC  TUMOR 0/1:20,15:35 -> 15/35
    v = got[("1", 22129, "A", "ATAGCTGAC")]
    assert v.vaf == pytest.approx(15 / 35)
    assert (v.depth, v.alt_count) == (35, 15)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 17)


def test_pindel(shared_data):
    header, got = calls(shared_data / "vcf/vcf2maf_test_pindel_somatic.grch37.vcf")
    assert header.caller == "pindel"
    assert header.assembly == "GRCh37"  # ##reference=HG19
    # 1 44569971 G GGCTTCTCCTGGCCCAGAGTCTCCAGCTGCCGCC  TUMOR 0/0:25:.:2:22,3 -> 3/25
    v = got[("1", 44569971, "G", "GGCTTCTCCTGGCCCAGAGTCTCCAGCTGCCGCC")]
    assert v.vaf == pytest.approx(0.12)
    assert (v.depth, v.alt_count) == (25, 3)


def test_bcftools_multi_sample_needs_a_choice(shared_data):
    path = shared_data / "vcf/bcftools116_call_mv.1000G_HG00100-02.mini_chr17.vcf"
    header = read_header(path)
    assert header.caller == "bcftools" and header.caller_version == "1.16+htslib-1.16"
    assert header.tumor_sample is None
    with pytest.raises(InputError, match="HG00100, HG00101, HG00102"):
        require_tumor_sample(header)
    header, got = calls(path, tumor_sample="HG00101")
    # 17 828 T C  HG00101 0/1:116,0,91:9:4,5 -> 5/9
    v = got[("17", 828, "T", "C")]
    assert v.vaf == pytest.approx(5 / 9)
    assert (v.depth, v.alt_count) == (9, 5)


def test_dragen_style(test_data):
    header, got = calls(test_data / "vcf/dragen_style_somatic.synthetic.vcf")
    assert header.caller == "dragen"
    assert header.assembly == "GRCh38"
    assert (header.tumor_sample, header.normal_sample) == ("TUMOR_S1", "NORMAL_S1")
    v = got[("chr7", 140753336, "A", "T")]
    assert (v.vaf, v.depth, v.alt_count) == (0.375, 192, 72)
    assert not got[("chr12", 25245350, "C", "A")].passed


def test_pcgr_consensus_uses_info_tvaf_tdp(shared_data):
    header, got = calls(shared_data / "vcf/pcgr_T001-COAD_tcga_consensus.grch37.vcf.gz")
    assert header.caller == "pcgr"
    # 1 981930 C T  TVAF=0.25;TDP=28
    v = got[("1", 981930, "C", "T")]
    assert (v.vaf, v.depth) == (0.25, 28)
    assert v.info["TAL"] == "muse,mutect2,somaticsniper,varscan2"


def test_sage_tumor_column_first_by_convention(shared_data):
    path = shared_data / "vcf/hmf_cuppa_COLO829v003.purple.somatic.sage.grch37.vcf.gz"
    header = read_header(path)
    assert header.caller == "sage" and header.compression == "gzip"
    # columns COLO829v003R (reference), COLO829v003T (tumor): no header line names them
    assert header.samples == ["COLO829v003R", "COLO829v003T"]


def test_sage_with_user_choice(shared_data):
    path = shared_data / "vcf/hmf_cuppa_COLO829v003.purple.somatic.sage.grch37.vcf.gz"
    header, got = calls(path, tumor_sample="COLO829v003T")
    assert header.normal_sample == "COLO829v003R"
    # 1 729700 C T  COLO829v003T 0/1:36:68,35:0.340:..:103  COLO829v003R 0/0:0:19,0:0.00:..:19
    v = got[("1", 729700, "C", "T")]
    assert (v.vaf, v.depth, v.alt_count) == (0.34, 103, 35)
    assert (v.normal_vaf, v.normal_depth) == (0.0, 19)


def test_merged_wustl_file_keeps_going_when_varscan_ad_does_not_fit_number_r(shared_data):
    path = shared_data / "vcf/vatools_HCC1395_wustl_somatic_exome_header.grch38.vcf.gz"
    header, got = calls(path)
    assert header.assembly == "GRCh38"
    assert (header.tumor_sample, header.normal_sample) == ("TUMOR", "NORMAL")
    assert any("FORMAT AD has 1 values for 2 alleles" in w for w in header.warnings)
    # TUMOR 0/1:23:82:25,34,7,16:28.05%:59  -> VarScan FREQ
    (v,) = [c for c in got.values() if c.vaf is not None and c.depth == 82]
    assert v.vaf == pytest.approx(0.2805)


def test_pvacseq_merged_file_reads_tumor_from_header(shared_data):
    path = shared_data / (
        "vcf/pvacseq_HCC1395_somatic.mutect2_strelka_varscan.vep105.expression.grch38.vcf.gz"
    )
    header = read_header(path, declared_assembly="GRCh38")
    assert header.caller == "mutect2"
    assert header.tumor_sample == "HCC1395_TUMOR_DNA"
    assert header.assembly == "GRCh38"
    assert header.annotation_key == "CSQ" and header.annotation_fields[:2] == [
        "Allele",
        "Consequence",
    ]
    assert sum(1 for _ in iter_variants(path, header)) >= 1470


def test_snpeff_eff_fields(shared_data):
    header = read_header(shared_data / "vcf/cyvcf2_test.snpeff.vcf")
    assert header.annotation_key == "EFF"
    assert header.annotation_fields[:3] == ["Effect", "Effect_Impact", "Functional_Class"]


# ---- header: assembly and samples -----------------------------------------------------------


def test_declared_assembly_contradicting_the_file_is_refused(shared_data):
    with pytest.raises(InputError, match="GRCh38"):
        read_header(
            shared_data / "vcf/vatools_HCC1395_wustl_somatic_exome_header.grch38.vcf.gz",
            declared_assembly="GRCh37",
        )


def test_chr_less_names_do_not_decide_the_assembly(shared_data):
    # PCGR's GRCh38 file is chr-less and has no ##contig lengths: nothing to detect from
    header = read_header(shared_data / "vcf/pcgr_T001-COAD_tcga_consensus.grch38.vcf.gz")
    assert header.assembly is None


def test_unknown_user_sample_is_refused_with_the_list(test_data):
    with pytest.raises(InputError, match="NORMAL, TUMOR"):
        read_header(test_data / "vcf/somaticseq_paired_MuTect2.tiny_ref.vcf.gz", tumor_sample="T1")


# ---- normalisation and validation -----------------------------------------------------------


def _write(tmp_path: Path, body: str, name: str = "x.vcf") -> Path:
    head = (
        "##fileformat=VCFv4.2\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="d">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
    )
    p = tmp_path / name
    p.write_text(head + body)
    return p


def test_indels_are_trimmed_without_reference_and_it_says_so(tmp_path):
    p = _write(tmp_path, "1\t100\t.\tCAGAG\tCAG\t.\tPASS\t.\tGT:AD\t0/1:5,5\n")
    header = read_header(p)
    (v,) = list(iter_variants(p, header))
    assert (v.pos, v.ref, v.alt) == (100, "CAG", "C")
    assert any("not left-aligned" in w for w in header.warnings)


def test_indels_are_left_aligned_with_a_reference(tmp_path):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">1\nTTTTCAGAGAGTTTT\n")  # 1-based: C at 5, AGAGAG at 6..11
    import pysam

    pysam.faidx(str(fasta))
    # GAG>G at 9 deletes AG at 10..11, the same as deleting 6..7: leftmost is POS 5 CAG>C
    p = _write(tmp_path, "1\t9\t.\tGAG\tG\t.\tPASS\t.\tGT:AD\t0/1:5,5\n")
    (v,) = list(iter_variants(p, read_header(p), fasta=str(fasta)))
    assert (v.pos, v.ref, v.alt) == (5, "CAG", "C")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (
            "1\t12,345\t.\tA\tC\t.\tPASS\t.\tGT:AD\t0/1:5,5",
            "POS '12,345' is not a positive integer",
        ),
        ("1\t100\t.\tTZ\tC\t.\tPASS\t.\tGT:AD\t0/1:5,5", "REF 'TZ'"),
        ("1\t100\t.\tA\tC\t.\tPASS\t.\tGT:AD\t0/2:5,5", "refers to allele 2"),
        ("1\t100\t.\tA\tC\t.\tPASS\t.\tGT:AD\t0/1:5,5:9", "more values"),
        ("1\t100\t.\tA\tC\t.\tPASS\t.\tGT:AD\t0/1:5,5\textra", "expected 10 tab-separated"),
        ("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR", "second header line"),
    ],
)
def test_what_htslib_lets_through_is_refused_with_the_line(tmp_path, record, reason):
    p = _write(tmp_path, "1\t50\t.\tA\tG\t.\tPASS\t.\tGT:AD\t0/1:5,5\n" + record + "\n")
    header = read_header(p)
    with pytest.raises(InputError) as exc:
        list(iter_variants(p, header))
    assert exc.value.line == 6
    assert reason in str(exc.value)
    assert str(exc.value).startswith("x.vcf, line 6: ")


def test_qual_text_and_af_above_one_are_warnings(tmp_path):
    p = _write(tmp_path, "1\t100\t.\tA\tC\thigh\tPASS\t.\tGT:AD\t0/1:6,4\n")
    header = read_header(p)
    (v,) = list(iter_variants(p, header))
    assert v.qual is None and v.vaf == pytest.approx(0.4)
    assert any(w.startswith("line 5: QUAL 'high'") for w in header.warnings)


def test_mixed_chr_naming_is_refused(tmp_path):
    p = _write(
        tmp_path,
        "1\t100\t.\tA\tC\t.\tPASS\t.\tGT:AD\t0/1:6,4\n"
        "chr1\t200\t.\tA\tC\t.\tPASS\t.\tGT:AD\t0/1:6,4\n",
    )
    with pytest.raises(InputError, match="mixed chromosome naming"):
        list(iter_variants(p, read_header(p)))


def test_gzip_and_plain_read_the_same(tmp_path, test_data):
    src = test_data / "vcf/somaticseq_paired_MuTect2.tiny_ref.vcf.gz"
    plain = tmp_path / "m2.vcf"
    plain.write_bytes(gzip.decompress(src.read_bytes()))
    regz = tmp_path / "m2.vcf.gz"
    regz.write_bytes(gzip.compress(plain.read_bytes()))
    results = []
    for p in (src, plain, regz):
        h = read_header(p)
        results.append([(v.line, v.chrom, v.pos, v.ref, v.alt, v.vaf) for v in iter_variants(p, h)])
    assert results[0] == results[1] == results[2]
    assert [read_header(p).compression for p in (src, plain, regz)] == ["bgzip", "plain", "gzip"]


def test_line_numbers_count_header_lines(test_data):
    p = test_data / "vcf/somaticseq_paired_MuTect2.tiny_ref.vcf.gz"
    raw = gzip.decompress(p.read_bytes()).decode().splitlines()
    first = next(i for i, line in enumerate(raw, 1) if not line.startswith("#"))
    v = next(iter(iter_variants(p, read_header(p))))
    assert v.line == first
