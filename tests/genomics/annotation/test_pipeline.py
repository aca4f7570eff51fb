"""Reading the annotation a pipeline already wrote (VEP CSQ, snpEff ANN and EFF), and
cross-checking DART's own annotation against real VEP output."""

import pytest
from cyvcf2 import VCF

from genomics.annotation.annotator import default_annotator
from genomics.annotation.pipeline import annotation_from_pipeline, parse_annotation_header


def _record(path, chrom, pos):
    vcf = VCF(str(path))
    for rec in vcf:
        if rec.CHROM == chrom and rec.POS == pos:
            return vcf, rec
    raise AssertionError(f"{chrom}:{pos} not in {path.name}")


def _fields(vcf, key):
    return parse_annotation_header(key, vcf.get_header_type(key)["Description"].strip('"'))


def test_header_field_order_differs_between_vep_releases():
    v105 = parse_annotation_header(
        "CSQ", "Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT"
    )
    assert v105 == ["Allele", "Consequence", "IMPACT"]
    old = parse_annotation_header(
        "CSQ", "Consequence type as predicted by VEP. Format: Allele|Gene|Feature|Feature_type"
    )
    assert old.index("Feature") == 2
    ann = parse_annotation_header(
        "ANN", "Functional annotations: 'Allele | Annotation | Annotation_Impact | Gene_Name'"
    )
    assert ann == ["Allele", "Annotation", "Annotation_Impact", "Gene_Name"]
    eff = parse_annotation_header(
        "EFF",
        "Predicted effects for this variant.Format: 'Effect ( Effect_Impact | Functional_Class"
        " | Codon_Change | Amino_Acid_change| Amino_Acid_length | Gene_Name | Gene_BioType | "
        "Coding | Transcript | Exon [ | ERRORS | WARNINGS ] )' ",
    )
    assert eff[0] == "Effect" and eff[9] == "Transcript" and eff[-1] == "WARNINGS"


def test_vep105_csq_chooses_mane_select_and_keeps_the_others(shared_data):
    path = (
        shared_data
        / "vcf"
        / ("pvacseq_HCC1395_somatic.mutect2_strelka_varscan.vep105.expression.grch38.vcf.gz")
    )
    vcf, rec = _record(path, "chr17", 7675088)  # TP53 R175H
    a = annotation_from_pipeline("CSQ", rec.INFO["CSQ"], _fields(vcf, "CSQ"), "T", 1)
    assert a.source == "vep"
    c = a.chosen
    assert (c.gene, c.transcript) == ("TP53", "ENST00000269305.9")
    assert (c.hgvsc, c.hgvsp, c.hgvsp_short) == ("c.524G>A", "p.Arg175His", "p.R175H")
    assert c.exon == "5/11" and c.mane_select and c.canonical
    assert c.mane_ids == ("NM_000546.6",)
    assert len(a.transcripts) > 1 and a.transcripts[0] is c
    # DART's own annotation of the same allele agrees on the MANE-equivalent LRG transcript
    d = default_annotator("GRCh38").annotate("chr17", 7675088, "C", "T").chosen
    assert (d.transcript, d.hgvsc, d.hgvsp, d.exon) == (
        "NM_000546.5",
        "c.524G>A",
        "p.Arg175His",
        "5/11",
    )


def test_vep94_csq_on_grch37_and_dart_agree_on_pten_intron(shared_data):
    path = shared_data / "vcf" / "scout_tumor_only.vardict.vep94.grch37.vcf.gz"
    vcf, rec = _record(path, "10", 89686784)
    a = annotation_from_pipeline("CSQ", rec.INFO["CSQ"], _fields(vcf, "CSQ"), "G", 1)
    assert a.chosen.gene == "PTEN"
    assert a.chosen.consequence == ("intron_variant",)
    assert a.chosen.hgvsc == "c.209+1470T>G"
    assert a.chosen.intron == "3/8"
    nm = next(t for t in a.transcripts if t.transcript == "NM_000314.4")
    d = default_annotator("GRCh37").annotate("10", 89686784, "T", "G").chosen
    assert (d.transcript, d.hgvsc, d.intron) == (nm.transcript, nm.hgvsc, nm.intron)


def test_snpeff_ann_and_old_eff(shared_data):
    path = shared_data / "vcf" / "scout_643594_germline_trio.gatk36.vep_snpeff.grch37.vcf.gz"
    vcf = VCF(str(path))
    fields = _fields(vcf, "ANN")
    rec = next(vcf)
    a = annotation_from_pipeline("ANN", rec.INFO["ANN"], fields, rec.ALT[0], 1)
    assert a.source == "snpeff"
    assert a.chosen.gene == "PER3"
    assert a.chosen.hgvsc == "c.390+471_390+472insC"
    assert a.chosen.intron == "3/20"

    eff_vcf = VCF(str(shared_data / "vcf" / "cyvcf2_test.snpeff.vcf"))
    eff_fields = _fields(eff_vcf, "EFF")
    rec = next(eff_vcf)
    e = annotation_from_pipeline("EFF", rec.INFO["EFF"], eff_fields, rec.ALT[0], 1)
    genes = {t.gene for t in e.transcripts}
    assert {"FAM138A", "MIR1302-10", "WASH7P"} <= genes
    terms = {t.consequence[0] for t in e.transcripts}
    assert {"downstream_gene_variant", "upstream_gene_variant", "intron_variant"} <= terms


@pytest.mark.parametrize("value", ["", None])
def test_empty_annotation_is_none(value):
    assert annotation_from_pipeline("CSQ", value, ["Allele"], "T", 1) is None
