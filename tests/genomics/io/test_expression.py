"""Expression reading: TPM per gene from each quantifier, transcripts summed per gene.

ERBB2's six RefSeq transcripts in tximportData's tx2gene (NM_001005862, NM_001289936,
NM_001289937, NM_001289938, NM_004448, NR_110535) have salmon TPM 1.22428, 0.97146, 0, 0, 0, 0
and kallisto tpm 1.24774, 0.925583, 0, 0, 0, 0 in the raw files.
"""

from __future__ import annotations

import gzip

import pytest

from genomics.io.errors import InputError
from genomics.io.expression import GeneExpression, read_expression

EXPRESSION = "expression"
SALMON = "tximportData_salmon_ERR188021.quant.sf"


def tpm(result):
    return {gene.gene: gene.tpm for gene in result.genes}


@pytest.fixture
def tx2gene(shared_data):
    return shared_data / EXPRESSION / "tximportData_tx2gene.refseq.csv"


class TestTranscriptLevel:
    def test_salmon_summed_per_gene_with_tx2gene(self, shared_data, tx2gene):
        result = read_expression(shared_data / EXPRESSION / SALMON, tx2gene=tx2gene)
        assert result.format == "salmon_quant"
        assert result.records == 48009
        assert tpm(result)["ERBB2"] == pytest.approx(1.22428 + 0.97146)
        # A1BG: NM_130786 alone, TPM 2.78513
        assert tpm(result)["A1BG"] == pytest.approx(2.78513)
        assert any("3 of 48009 transcripts" in warning for warning in result.warnings)

    def test_kallisto_summed_per_gene_with_tx2gene(self, shared_data, tx2gene):
        result = read_expression(
            shared_data / EXPRESSION / "tximportData_kallisto_ERR188021.abundance.tsv",
            tx2gene=tx2gene,
        )
        assert result.format == "kallisto_abundance"
        assert tpm(result)["ERBB2"] == pytest.approx(1.24774 + 0.925583)

    def test_without_tx2gene_the_bundled_table_maps_mane_transcripts_and_says_what_is_lost(
        self, shared_data
    ):
        result = read_expression(shared_data / EXPRESSION / SALMON)
        # NM_130786 is A1BG's MANE Select transcript
        assert tpm(result)["A1BG"] == pytest.approx(2.78513)
        assert any("30371 of 48009 transcripts" in w and "tx2gene" in w for w in result.warnings)

    def test_rsem_isoforms_use_their_gene_column_and_ensembl_ids_become_symbols(self, tmp_path):
        path = tmp_path / "x.isoforms.results"
        path.write_text(
            "transcript_id\tgene_id\tlength\teffective_length\texpected_count\tTPM\tFPKM\tIsoPct\n"
            "ENST00000269571.10\tENSG00000141736.14\t4624\t4500\t300\t10.5\t8\t70\n"
            "ENST00000406381.6\tENSG00000141736.14\t4500\t4400\t100\t4.5\t3\t30\n"
        )
        result = read_expression(path)
        assert result.format == "rsem_isoforms"
        assert result.genes == [GeneExpression("ERBB2", 15.0)]

    def test_gencode_style_ids_carry_the_gene_name(self, tmp_path):
        path = tmp_path / "abundance.tsv"
        path.write_text(
            "target_id\tlength\teff_length\test_counts\ttpm\n"
            "ENST00000269571.10|ENSG00000141736.14|-|-|ERBB2-201|ERBB2|4624|protein_coding|"
            "\t4624\t4500\t300\t7.25\n"
        )
        assert read_expression(path).genes == [GeneExpression("ERBB2", 7.25)]


class TestGeneLevel:
    def test_rsem_genes_results(self, shared_data):
        # ERBB2  NM_001005862,...  4882.20  4831.45  162.72  2.70  1.39
        result = read_expression(
            shared_data / EXPRESSION / "tximportData_rsem_ERR188021.genes.results"
        )
        assert result.format == "rsem_genes"
        assert tpm(result)["ERBB2"] == 2.70
        assert len(result.genes) == result.records == 25343

    def test_pcgr_targetid_tpm_table(self, test_data):
        # TSPAN6 101.2123 / TNMD 1.7122
        result = read_expression(
            test_data / EXPRESSION / "pcgr_T001-COAD.gene_expression.head50.tsv.gz"
        )
        assert result.format == "gene_tpm_table"
        assert tpm(result)["TSPAN6"] == 101.2123
        assert tpm(result)["TNMD"] == 1.7122
        assert result.records == 50

    def test_kallisto_gene_level_table_prefers_the_symbol_column(self, test_data):
        # A1BG  ENSG00000121410  9.5072780253347
        result = read_expression(test_data / EXPRESSION / "vatools_kallisto.genes.tsv")
        assert tpm(result)["A1BG"] == pytest.approx(9.5072780253347)
        assert len(result.genes) == 10

    def test_isofox_header_only_is_valid_and_empty(self, shared_data):
        result = read_expression(
            shared_data / EXPRESSION / "hmf_orange_COLO829.isofox.gene_data.header_only.tsv"
        )
        assert result.format == "isofox_genes"
        assert result.genes == []

    def test_duplicate_genes_are_summed_with_a_warning(self, tmp_path):
        path = tmp_path / "tpm.tsv"
        path.write_text("gene\tTPM\nMYC\t3\nMYC\t4.5\n")
        result = read_expression(path)
        assert result.genes == [GeneExpression("MYC", 7.5)]
        assert any("more than once" in warning for warning in result.warnings)


class TestRefusals:
    def test_a_gene_name_no_gene_has(self, tmp_path):
        path = tmp_path / "tpm.tsv"
        path.write_text("gene\tTPM\nMYC\t3\n" + "X7" * 200 + "\t4.5\n")
        with pytest.raises(InputError, match="tpm.tsv, line 3: the gene name 'X7X7.*400 char"):
            read_expression(path)

    def test_empty_file(self, tmp_path):
        path = tmp_path / "quant.sf"
        path.write_bytes(b"")
        with pytest.raises(InputError, match="quant.sf: the file is empty"):
            read_expression(path)

    def test_vcf_given_as_expression_names_file_and_line(self, shared_data):
        with pytest.raises(InputError) as error:
            read_expression(shared_data / "vcf" / "vcf2maf_test_varscan2_somatic.grch37.vcf")
        assert error.value.filename == "vcf2maf_test_varscan2_somatic.grch37.vcf"
        assert error.value.line == 1
        assert "small variants" in str(error.value) and "not expression" in str(error.value)

    def test_wrong_columns(self, tmp_path):
        path = tmp_path / "table.tsv"
        path.write_text("sample\tvalue\nA\t1\n")
        with pytest.raises(InputError) as error:
            read_expression(path)
        assert error.value.line == 1
        assert "salmon_quant (salmon quant.sf" in str(error.value)

    def test_non_numeric_tpm(self, tmp_path):
        path = tmp_path / "tpm.tsv"
        path.write_text("TargetID\tTPM\nTP53\t12.5\nEGFR\t1,5\n")
        with pytest.raises(InputError, match=r"tpm.tsv, line 3: TPM value '1,5' is not a number"):
            read_expression(path)

    def test_negative_tpm(self, tmp_path):
        path = tmp_path / "tpm.tsv"
        path.write_text("TargetID\tTPM\nTP53\t-2\n")
        with pytest.raises(InputError, match="line 2: TPM value -2.0 is negative"):
            read_expression(path)

    def test_truncated_gzip(self, tmp_path, shared_data):
        data = (shared_data / EXPRESSION / "pcgr_T001-COAD.gene_expression.tsv.gz").read_bytes()
        path = tmp_path / "expr.tsv.gz"
        path.write_bytes(data[:60000])
        with pytest.raises(
            InputError,
            match=r"expr.tsv.gz: the file is gzip but truncated at "
            r"byte \d+ after line \d+",
        ):
            read_expression(path)

    def test_corrupt_gzip(self, tmp_path, test_data):
        data = bytearray(gzip.compress(b"TargetID\tTPM\n" + b"TP53\t1\n" * 2000))
        data[40:60] = b"\x00" * 20
        path = tmp_path / "expr.tsv.gz"
        path.write_bytes(bytes(data))
        with pytest.raises(InputError, match="gzip but"):
            read_expression(path)

    def test_missing_tx2gene_file(self, shared_data, tmp_path):
        with pytest.raises(InputError, match="does not exist"):
            read_expression(shared_data / EXPRESSION / SALMON, tx2gene=tmp_path / "nope.csv")
