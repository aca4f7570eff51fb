"""TMB and MSI from the variant list, and their place in the shared alteration vocabulary."""

import pytest

from genomics.alterations import BIOMARKER
from genomics.annotation.biomarkers import (
    MsiInput,
    TmbInput,
    biomarker_alterations,
    compute_tmb,
    estimate_msi,
    territory_mb,
)
from genomics.io.errors import InputError
from genomics.io.vcf import info_from_text


def somatic(pos, consequence="missense_variant", chrom="chr1", **kwargs):
    values = {"passed": True, "origin": "somatic", "vaf": 0.3, "depth": 100}
    values.update(kwargs)
    return TmbInput(chrom, pos, "C", "T", consequence=(consequence,), **values)


@pytest.fixture
def one_mb_bed(tmp_path):
    # 600 kb + 400 kb on chr1, with an overlapping interval that must not count twice.
    path = tmp_path / "panel.bed"
    path.write_text(
        "track name=panel\nchr1\t0\t600000\nchr1\t500000\t600000\nchr2\t1000000\t1400000\n"
    )
    return path


def test_territory_defaults_and_bed(one_mb_bed):
    assert territory_mb("WES") == 30.0
    assert territory_mb("wgs") == 30.0
    assert territory_mb("panel", one_mb_bed) == 1.0
    with pytest.raises(InputError, match="needs its BED"):
        territory_mb("TSO500")


def test_bad_bed_line_is_refused(tmp_path):
    bed = tmp_path / "bad.bed"
    bed.write_text("chr1\t100\t200\nchr1\tten\t20\n")
    with pytest.raises(InputError) as error:
        territory_mb("panel", bed)
    assert error.value.line == 2


def test_tmb_on_n_coding_mutations_over_one_mb_equals_n(one_mb_bed):
    kinds = [
        "missense_variant",
        "stop_gained",
        "frameshift_variant",
        "inframe_deletion",
        "splice_acceptor_variant",
        "start_lost",
        "stop_lost",
    ]
    variants = [somatic(1000 + i * 10, kind) for i, kind in enumerate(kinds)]
    variants += [
        somatic(1000 + i, "missense_variant", chrom="2") for i in range(1_000_001, 1_000_006)
    ]
    result = compute_tmb(variants, assay="panel", bed=one_mb_bed)
    assert result.mutations_counted == 12
    assert result.value == 12.0
    assert result.unit == "mut/Mb"
    assert result.status == "high"
    assert result.territory_mb == 1.0
    assert "PASS somatic" in result.filters
    assert "10 or more" in result.reference_ranges


def test_filtered_synonymous_germline_and_outside_calls_are_not_counted(one_mb_bed):
    variants = [
        somatic(100),  # counted
        somatic(100),  # the same call twice
        somatic(200, "synonymous_variant"),
        somatic(300, "intron_variant"),
        somatic(400, passed=False),
        somatic(500, origin="germline"),
        somatic(600, vaf=0.01),
        somatic(700, depth=10),
        somatic(700_000),  # chr1:700000 is outside the BED
    ]
    result = compute_tmb(variants, assay="panel", bed=one_mb_bed)
    assert result.mutations_counted == 1
    assert result.value == 1.0
    assert result.status == "low"
    assert result.excluded == {
        "duplicate": 1,
        "not a non-synonymous coding change": 2,
        "not PASS": 1,
        "not somatic": 1,
        "VAF below threshold": 1,
        "depth below threshold": 1,
        "outside the BED": 1,
    }


def test_a_repeated_call_that_is_not_counted_is_excluded_for_its_own_reason(one_mb_bed):
    variants = [somatic(300, "intron_variant"), somatic(300, "intron_variant"), somatic(100)]
    result = compute_tmb(variants, assay="panel", bed=one_mb_bed)
    assert result.mutations_counted == 1
    assert result.excluded == {"not a non-synonymous coding change": 2}


def test_wes_tmb_uses_the_default_territory():
    result = compute_tmb([somatic(i) for i in range(240)], assay="WES")
    assert result.value == 8.0  # 240 / 30 Mb
    assert result.status == "intermediate"


def strelka_indel(pos, refrep):
    return MsiInput("chr3", pos, "CA", "C", info={"RU": "A", "REFREP": refrep, "IC": refrep - 1})


def test_msi_high_on_many_repeat_indels():
    # 40 homopolymer deletions (A x 10) over 30 Mb: 1.333/Mb >= 0.395.
    result = estimate_msi([strelka_indel(1000 + i, 10) for i in range(40)], territory_mb=30)
    assert result.status == "MSI-H"
    assert result.indels_in_repeats == 40
    assert result.score == pytest.approx(1.333)
    assert "caller's repeat annotation" in result.method


def test_mss_on_few_repeat_indels():
    variants = [strelka_indel(1000 + i, 10) for i in range(3)]
    variants += [strelka_indel(5000 + i, 1) for i in range(20)]  # indels outside repeats
    result = estimate_msi(variants, territory_mb=30)
    assert result.status == "MSS"
    assert result.indels_in_repeats == 3
    assert result.score == 0.1


def test_a_high_repeat_indel_rate_with_few_indels_in_repeats_is_indeterminate_not_msi_high():
    # 18 repeat indels among 102 over 30 Mb (0.6/Mb, like the HCC1395 exome): the rate passes
    # 0.395, but 18 % in repeats is the profile of a high-TMB MSS tumour, not of MSI.
    variants = [strelka_indel(1000 + i, 10) for i in range(18)]
    variants += [strelka_indel(5000 + i, 1) for i in range(84)]
    result = estimate_msi(variants, territory_mb=30)
    assert result.score == 0.6
    assert result.status == "indeterminate"
    assert "18%" in result.method and "confirm" in result.method
    assert biomarker_alterations(None, result) == []


def test_mutect2_str_annotation_counts():
    variants = [
        MsiInput("1", 100 + i, "TAC", "T", info={"STR": True, "RU": "AC", "RPA": [6, 5]})
        for i in range(15)
    ]
    variants.append(MsiInput("1", 999, "G", "GT"))  # Mutect2 writes nothing outside repeats
    result = estimate_msi(variants, territory_mb=30)
    assert result.indels_in_repeats == 15
    assert result.status == "MSI-H"


def test_a_mutect2_str_flag_as_stored_counts_as_a_repeat():
    # a stored "STR" flag reads back as {"STR": ""}; present means in a repeat
    variants = [
        MsiInput("1", 100 + i, "TAC", "T", info=info_from_text("STR;TLOD=12.3")) for i in range(15)
    ]
    variants.append(MsiInput("1", 999, "G", "GT", info=info_from_text("TLOD=8.1")))
    result = estimate_msi(variants, territory_mb=30)
    assert result.indels_in_repeats == 15
    assert result.indels_total == 16


def test_not_evaluable_without_repeat_context_or_reference():
    variants = [MsiInput("1", 100 + i, "CA", "C") for i in range(50)]
    result = estimate_msi(variants, territory_mb=30)
    assert result.status == "not_evaluable"
    assert result.score is None


def test_reference_context_from_a_flank_callback():
    # Two toy contigs, 1-based: on "hp" position 1 is C followed by ten A (a homopolymer);
    # on "uniq" position 1 is G followed by sequence without repeats of T.
    genome = {"hp": "C" + "A" * 10 + "GTCGTAGCTAGCTTGACG", "uniq": "GTCAGTCGATGCATGCGTACG"}

    def fetch(chrom, start, end):
        return genome[chrom][start - 1 : end]

    variants = [MsiInput("hp", 1, "CA", "C")] * 12 + [MsiInput("uniq", 1, "GT", "G")]
    result = estimate_msi(variants, territory_mb=30, reference=fetch)
    assert result.indels_in_repeats == 12
    assert result.indels_total == 13
    assert result.status == "MSI-H"
    assert "reference sequence" in result.method


def test_biomarkers_in_the_shared_vocabulary(one_mb_bed):
    tmb = compute_tmb([somatic(100 + i) for i in range(12)], assay="panel", bed=one_mb_bed)
    msi = estimate_msi([strelka_indel(1000 + i, 10) for i in range(40)], territory_mb=30)
    tmb_alt, msi_alt = biomarker_alterations(tmb, msi)
    assert (tmb_alt.gene, tmb_alt.kind, tmb_alt.value, tmb_alt.status) == (
        "TMB",
        BIOMARKER,
        12.0,
        "high",
    )
    assert (msi_alt.gene, msi_alt.status, msi_alt.label) == ("MSI", "MSI-H", "MSI MSI-H")
    not_evaluable = estimate_msi([MsiInput("1", 1, "CA", "C")], territory_mb=30)
    assert biomarker_alterations(None, not_evaluable) == []
