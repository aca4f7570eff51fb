"""Format recognition from content: every real example maps to its format; other files are
refused with a sentence saying what they are or listing the formats DART knows."""

from __future__ import annotations

import gzip

import pytest

from genomics.io.detect import KNOWN_FORMATS, detect_format
from genomics.io.errors import InputError
from genomics.io.genes import Gene, GeneSpans, assembly_from_contigs, normalize_chrom

EXAMPLES = [
    ("cnv/cnvkit_amplicon.cns", "cnvkit_cns"),
    ("cnv/cnvkit_p2-9_2.call.cns", "cnvkit_cns"),
    ("cnv/cnvkit_tr95t.segmetrics.cns", "cnvkit_cns"),
    ("cnv/hmf_orange_COLO829.purple.cnv.somatic.grch37.tsv", "purple_cnv"),
    ("cnv/purple_subject_a.tumor.purple.cnv.somatic.grch38.tsv", "purple_cnv"),
    ("cnv/sarek_ascat_HCC1395T_vs_HCC1395N.cnvs.grch38.txt", "ascat_segments"),
    ("cnv/pcgr_T001-COAD.grch37.cna.tsv", "pcgr_cna"),
    ("cnv/scout_tumor_only.cnvkit_manta.sv_cnv.grch37.vcf.gz", "cnv_vcf"),
    ("fusions/arriba_test_fusions.tsv", "arriba"),
    ("fusions/pvacfuse_star-fusion.fusion_predictions.abridged.tsv", "star_fusion"),
    ("fusions/starfusion_BT474_chr17.fusion_candidates.final.abridged.FFPM.tsv", "star_fusion"),
    ("fusions/scout_fusion_data.rna_fusion_bnd.vcf.gz", "sv_vcf"),
    ("fusions/pcgr_T001-COAD.grch38.fusions.tsv", "pcgr_fusions"),
    ("fusions/hmf_orange_COLO829.isofox.pass_fusions.header_only.tsv", "isofox_fusions"),
    ("vcf/hmf_orange_COLO829.purple.sv.esvee.grch37.vcf", "sv_vcf"),
    ("vcf/scout_manta_somatic_sv.vep94.grch37.vcf.gz", "sv_vcf"),
    ("vcf/vcf2maf_test_delly_somatic_sv.grch37.vcf", "sv_vcf"),
    ("vcf/vcf2maf_test_pindel_somatic.grch37.vcf", "vcf"),
    ("vcf/scout_cancer_test.freebayes_paired.vep95.grch37.vcf.gz", "vcf"),
    ("vcf/somaticseq_paired_LoFreq.indel.tiny_ref.vcf.gz", "vcf"),
    ("expression/tximportData_salmon_ERR188021.quant.sf", "salmon_quant"),
    ("expression/tximportData_rsem_ERR188021.genes.results", "rsem_genes"),
    ("expression/tximportData_kallisto_ERR188021.abundance.tsv", "kallisto_abundance"),
    ("expression/pcgr_T001-COAD.gene_expression.tsv.gz", "gene_tpm_table"),
    ("expression/vatools_kallisto.genes.tsv", "gene_tpm_table"),
    ("expression/hmf_orange_COLO829.isofox.gene_data.header_only.tsv", "isofox_genes"),
]


@pytest.mark.parametrize(("relative", "expected"), EXAMPLES)
def test_real_examples_are_recognised(shared_data, relative, expected):
    assert detect_format(shared_data / relative) == expected
    assert expected in KNOWN_FORMATS


def test_recognition_ignores_the_file_name(shared_data, tmp_path):
    path = tmp_path / "upload.vcf"
    path.write_bytes((shared_data / "fusions" / "arriba_test_fusions.tsv").read_bytes())
    assert detect_format(path) == "arriba"


def test_gzip_is_read_transparently(shared_data, tmp_path):
    path = tmp_path / "quant.sf.gz"
    path.write_bytes(
        gzip.compress(
            (shared_data / "expression" / "tximportData_salmon_ERR188021.quant.sf").read_bytes()
        )
    )
    assert detect_format(path) == "salmon_quant"


def test_unknown_table_lists_the_known_formats(shared_data):
    with pytest.raises(InputError) as error:
        detect_format(shared_data / "cnv" / "hmf_orange_COLO829.purple.purity.tsv")
    message = str(error.value)
    assert message.startswith(
        "hmf_orange_COLO829.purple.purity.tsv, line 1: the format is not recognised"
    )
    for name in KNOWN_FORMATS:
        assert name in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "only blank lines"),
        (b"@read1\nACGT\n+\nIIII\n", "FASTQ reads file"),
        (b">chr1\nACGT\n", "FASTA sequence file"),
        (b"%PDF-1.4 report", "PDF document"),
        (b"PK\x03\x04rest-of-xlsx", "Excel workbook"),
        (gzip.compress(b"BAM\x01\x00\x00\x00\x00"), "BAM alignment file"),
        (b'{"salmon_version": "0.6.0"}', "JSON file"),
    ],
)
def test_mistaken_uploads_are_named(tmp_path, content, message):
    path = tmp_path / "upload.tsv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        detect_format(path, filename="sample-42.tsv")
    assert error.value.filename == "sample-42.tsv"


def test_gzip_with_nothing_inside(tmp_path):
    path = tmp_path / "x.tsv.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(InputError, match="empty"):
        detect_format(path)


def test_truncated_gzip_is_refused(shared_data, tmp_path):
    data = (shared_data / "expression" / "pcgr_T001-COAD.gene_expression.tsv.gz").read_bytes()
    path = tmp_path / "x.tsv.gz"
    path.write_bytes(data[:10])
    with pytest.raises(InputError, match="gzip but"):
        detect_format(path)


class TestGeneSpans:
    def test_bundled_grch38_lookup_is_chr_tolerant(self):
        genes = GeneSpans.load("GRCh38")
        # MANE Select ERBB2 NM_004448.4: NC_000017.11 39700064-39728658 (+)
        assert [g.name for g in genes.overlapping("chr17", 39710000, 39710000)] == ["ERBB2"]
        assert [g.name for g in genes.overlapping("17", 39710000, 39710000)] == ["ERBB2"]
        erbb2 = genes.get("ERBB2")
        assert (erbb2.start, erbb2.end, erbb2.strand) == (39700064, 39728658, "+")

    def test_bundled_grch37_comes_from_lrg(self):
        genes = GeneSpans.load("hg19")
        # LRG_724 ERBB2 transcripts on GRCh37 span 17:37844337-37884915
        erbb2 = genes.get("ERBB2")
        assert (erbb2.chrom, erbb2.start, erbb2.end) == ("17", 37844337, 37884915)

    def test_users_bed_table(self, tmp_path):
        path = tmp_path / "genes.bed"
        path.write_text("track name=x\nchr7\t55019016\t55211628\tEGFR\t0\t+\n")
        genes = GeneSpans.load("GRCh38", path)
        assert [g.name for g in genes.overlapping("7", 55019017, 55019017)] == ["EGFR"]
        assert genes.overlapping("7", 55019016, 55019016) == []

    def test_ucsc_and_spliceai_style_starts_are_zero_based(self, tmp_path):
        ucsc = tmp_path / "refGene.tsv"
        ucsc.write_text("name2\tchrom\ttxStart\ttxEnd\nEGFR\tchr7\t55019016\t55211628\n")
        spliceai = tmp_path / "grch38.txt"
        spliceai.write_text(
            "#NAME\tCHROM\tSTRAND\tTX_START\tTX_END\nEGFR\t7\t+\t55019016\t55211628\n"
        )
        one_based = tmp_path / "genes.tsv"
        one_based.write_text("gene\tchrom\tstart\tend\nEGFR\t7\t55019017\t55211628\n")
        for path in (ucsc, spliceai, one_based):
            egfr = GeneSpans.load("GRCh38", path).get("EGFR")
            assert (egfr.chrom, egfr.start, egfr.end) == ("7", 55019017, 55211628), path.name

    def test_only_the_bundled_grch37_table_warns_that_it_is_partial(self, tmp_path):
        assert "LRG genes" in GeneSpans.load("GRCh37").coverage_warning()
        assert GeneSpans.load("GRCh38").coverage_warning() is None
        path = tmp_path / "genes.bed"
        path.write_text("7\t55086724\t55275031\tEGFR\n")
        assert GeneSpans.load("GRCh37", path).coverage_warning() is None

    def test_name_at_is_the_first_overlapping_gene_by_start(self):
        genes = GeneSpans(
            [
                Gene("OUTER", "7", 100, 1000),
                Gene("INNER", "7", 200, 300),
                Gene("LATE", "7", 250, 1200),
                Gene("APART", "7", 2000, 2000),
            ],
            assembly="GRCh38",
            source="test",
        )
        assert genes.name_at("chr7", 99) == ""
        assert genes.name_at("7", 100) == "OUTER"
        assert genes.name_at("7", 260) == "OUTER"
        assert genes.name_at("7", 1000) == "OUTER"
        assert genes.name_at("7", 1001) == "LATE"
        assert genes.name_at("7", 1201) == ""
        assert genes.name_at("7", 2000) == "APART"
        assert genes.name_at("7", 2001) == ""
        assert genes.name_at("8", 150) == ""
        for pos in range(90, 2010):
            first = genes.overlapping("7", pos, pos)
            assert genes.name_at("7", pos) == (first[0].name if first else "")

    def test_name_at_answers_the_same_in_any_order_of_positions(self):
        import random

        genes = GeneSpans.load("GRCh38")
        rnd = random.Random(7)
        egfr, braf = genes.get("EGFR"), genes.get("BRAF")
        queries = [
            (gene.chrom if rnd.random() < 0.5 else "chr" + gene.chrom, pos)
            for gene in (egfr, braf)
            for pos in range(gene.start - 3, gene.end + 4, 997)
        ] + [("7", egfr.start - 1), ("7", egfr.start), ("7", egfr.end), ("7", egfr.end + 1)]
        for chrom, pos in queries + rnd.sample(queries, len(queries)):
            first = genes.overlapping(chrom, pos, pos)
            assert genes.name_at(chrom, pos) == (first[0].name if first else ""), (chrom, pos)

    def test_assembly_from_contig_lengths(self):
        assert assembly_from_contigs({"chr1": 248956422}) == "GRCh38"
        assert assembly_from_contigs({"2": 243199373}) == "GRCh37"
        assert assembly_from_contigs({"1": 300000}) is None

    def test_chromosome_names(self):
        assert [normalize_chrom(c) for c in ("chr7", "7", "chrM", "MT", "chrx")] == [
            "7",
            "7",
            "MT",
            "MT",
            "X",
        ]
