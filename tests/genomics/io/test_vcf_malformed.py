"""Every file of ../shared/data/malformed: accepted, or refused with an InputError naming the file.

The verdict must match MALFORMED.tsv except for the deliberate deviations below (also listed in
docs/malformed-deviations.md). Never any other exception.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from genomics.io.errors import InputError
from genomics.io.vcf import iter_variants, read_header
from tests.conftest import SHARED_DATA

MALFORMED_TSV = SHARED_DATA / "malformed" / "MALFORMED.tsv"

_NUMBER = (
    "a sample value count that does not fit the header Number makes that field unusable "
    "(warning), as for handmade/ad_wrong_number_of_values.vcf; real merged pipelines "
    "(WUSTL HCC1395: VarScan alt-only AD under a Number=R header) do this"
)
_PLOIDY = (
    "PL/GL count vs ploidy is a Number=G mismatch in a field DART does not use: "
    "warning-level like every other count mismatch"
)
_V44 = (
    "VCF 4.4 structural-variant/phasing semantics (CICN, SVLEN, PSL/PSO/PSQ) that a "
    "small-variant reader does not use; the values parse, so the file is accepted"
)

_CANDIDATES: dict[str, tuple[str, str]] = {
    **{
        f"vcf-validator/{v}/failed/failed_body_sample_{n}.vcf": ("ACCEPT", _NUMBER)
        for v in ("v4.1", "v4.2", "v4.3", "v4.4")
        for n in ("004", "005", "006", "010")
    },
    **{
        f"vcf-validator/{v}/failed/failed_body_samples_ploidy_00{n}.vcf": ("ACCEPT", _PLOIDY)
        for v in ("v4.1", "v4.2", "v4.3", "v4.4")
        for n in range(4)
    },
    **{
        f"vcf-validator/{v}/failed/failed_body_format_003.vcf": (
            "ACCEPT",
            "'_' in a FORMAT key (G_S) is refused by vcf-validator for 4.1/4.2, but real "
            "GATK/Mutect2 files use keys like ALT_F1R2 and SA_MAP_AF",
        )
        for v in ("v4.1", "v4.2")
    },
    **{
        f"vcf-validator/{v}/failed/failed_body_chrom_003.vcf": (
            "ACCEPT",
            "'*' inside a contig name (chr*1) is legal in VCF 4.3 after the first "
            "character and GRCh38 HLA contigs (HLA-A*01:01:01:01) use it",
        )
        for v in ("v4.3", "v4.4")
    },
    **{
        f"vcf-validator/v4.4/failed/{n}.vcf": ("ACCEPT", _V44)
        for n in (
            "failed_body_invalid_format_1",
            "failed_body_invalid_format_2",
            "failed_body_invalid_sample_PSL",
            "failed_body_invalid_sample_PSO",
            "failed_body_invalid_sample_PSQ",
            "failed_body_invalid_sample_format_CICN",
        )
    },
    "cyvcf2/test.warnings.vcf.gz": (
        "REFUSE",
        "line 30 has GT '2' with one ALT allele; refused by the same rule as "
        "handmade/gt_allele_index_out_of_range.vcf (the TSV entry only considered the "
        "header warnings)",
    ),
}


def _rows() -> list[dict[str, str]]:
    if not MALFORMED_TSV.is_file():
        return []
    with MALFORMED_TSV.open(newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _rows()
_LISTED = {r["path_in_malformed"] for r in ROWS}
# (v4.1 has no failed_body_sample_010, so the pattern is narrowed to the files that exist)
DEVIATIONS = {k: v for k, v in _CANDIDATES.items() if k in _LISTED}


def _verdict(path: Path) -> tuple[str, str]:
    try:
        header = read_header(path)
        for _ in iter_variants(path, header):
            pass
    except InputError as exc:
        return "REFUSE", str(exc)
    return "ACCEPT", ""


@pytest.mark.parametrize("row", ROWS, ids=[r["path_in_malformed"] for r in ROWS])
def test_malformed_file_verdict(shared_data, row):
    rel = row["path_in_malformed"]
    path = shared_data / "malformed" / rel
    expected = DEVIATIONS.get(rel, (row["tolerant_reader"], ""))[0]
    verdict, message = _verdict(path)  # any other exception fails the test
    assert verdict == expected, message
    if verdict == "REFUSE":
        assert message.startswith(path.name), message


def test_every_file_in_the_folder_is_listed(shared_data):
    listed = {r["path_in_malformed"] for r in ROWS}
    on_disk = {
        str(p.relative_to(shared_data / "malformed"))
        for p in (shared_data / "malformed").rglob("*")
        if p.is_file()
        and p.suffix != ".tsv"
        and p.name not in ("README.md",)
        and not p.name.endswith((".tbi", ".csi"))
    }
    assert on_disk - listed == set()


def test_deviations_are_real_deviations():
    by_path = {r["path_in_malformed"]: r["tolerant_reader"] for r in ROWS}
    for rel, (verdict, why) in DEVIATIONS.items():
        assert rel in by_path, rel
        assert by_path[rel] != verdict and why


def test_validator_passed_files_are_all_accepted(shared_data):
    passed = sorted((shared_data / "malformed" / "vcf-validator").glob("v4.*/passed/*.vcf"))
    assert len(passed) > 100
    refused = [(p, m) for p in passed for v, m in [_verdict(p)] if v != "ACCEPT"]
    assert refused == []


@pytest.mark.parametrize(
    ("rel", "words"),
    [
        ("handmade/bam_renamed.vcf", "BAM alignment file, not a VCF"),
        ("handmade/cram_renamed.vcf", "CRAM alignment file"),
        ("handmade/fastq_renamed.vcf", "FASTQ reads file"),
        ("handmade/empty_zero_bytes.vcf.gz", "empty"),
        ("handmade/truncated_bgzip.vcf.gz", "truncated"),
        ("handmade/gzip_bomb_896MiB_header_line.vcf.gz", "longer than"),
        ("handmade/line_of_10MB.vcf.gz", "line 75: the line is longer than 8 MiB"),
        ("handmade/duplicated_chrom_line.vcf", "bcftools concat"),
        ("handmade/duplicated_sample_names.vcf", "'NORMAL' appears twice"),
        ("handmade/pos_non_numeric.vcf", "POS '12,345'"),
        ("handmade/contig_not_in_header_chr_prefix.vcf", "mixed chromosome naming"),
        ("handmade/meta_only_no_chrom_line.vcf", "#CHROM"),
    ],
)
def test_refusals_say_what_is_wrong(shared_data, rel, words):
    verdict, message = _verdict(shared_data / "malformed" / rel)
    assert verdict == "REFUSE"
    assert words in message, message


def test_bcf_with_a_vcf_name_is_read(shared_data):
    path = shared_data / "malformed/handmade/bcf_renamed.vcf"
    header = read_header(path)
    assert header.compression == "bcf"
    assert (header.tumor_sample, header.normal_sample) == ("TUMOR", "NORMAL")
    assert len(list(iter_variants(path, header))) >= 20
