"""The `analyze` command's contract: exit codes, stderr, and a JSON document valid against
tumorboard/schemas/analysis-result.schema.json. Pipelines build on it, so it must not drift.

Runs whose exit code, stdout or stderr matter go through a real subprocess
(`.venv/bin/python manage.py analyze ...` against the test database); the others use call_command.
"""

import copy
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from core.models import Upload
from genomics.models import Variant
from tests.integration.worker import subprocess_database_url
from tumorboard.models import Case

# Each run stores a case, as the contract says; a subprocess must see committed data, and job
# progress goes through the second connection ("progress").
needs_db = pytest.mark.django_db(transaction=True, databases=["default", "progress"])

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tumorboard/schemas/analysis-result.schema.json").read_text())
DEMO_VCF = ROOT / "tumorboard/demo/T001-COAD.tcga_consensus.grch38.vcf.gz"
BRAF_V600E = "7:140753336:A:T"  # the demo file names chromosomes without "chr"

# A hand-written GATK Mutect2-style tumor/normal VCF on GRCh38 (chr naming); records follow.
HEADER = """\
##fileformat=VCFv4.2
##source=Mutect2
##reference=file:///refs/Homo_sapiens_assembly38.fasta
##contig=<ID=chr7,length=159345973>
##contig=<ID=chr12,length=133275309>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">
##tumor_sample=TUMOR
##normal_sample=NORMAL
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO	FORMAT	NORMAL	TUMOR
"""
# KRAS is on the minus strand: c.35G>A (p.G12D) is chr12:25,245,350 C>T on GRCh38.
KRAS_G12D = (
    "chr12\t25245350\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:70,0:0.0:70\t0/1:45,25:0.357:70\n"
)
BRAF_V600E_CHR = (
    "chr7\t140753336\t.\tA\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:60,0:0.0:60\t0/1:40,20:0.333:60\n"
)
NOTHING_ACTIONABLE = [
    # BRAF c.1800G>A p.V600= (synonymous, the codon next to V600E)
    "chr7\t140753335\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:60,0:0.0:60\t0/1:40,20:0.333:60\n",
    # BRAF intron 14
    "chr7\t140754500\t.\tG\tA\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:60,0:0.0:60\t0/1:40,20:0.333:60\n",
    # KRAS c.36T>C p.G12= (synonymous)
    "chr12\t25245349\t.\tA\tG\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:60,0:0.0:60\t0/1:40,20:0.333:60\n",
]
ANTI_EGFR = {"cetuximab", "panitumumab"}


def write_vcf(path: Path, *records: str) -> Path:
    path.write_text(HEADER + "".join(records))
    return path


def run_analyze(*args: str) -> subprocess.CompletedProcess:
    """`python manage.py analyze ARGS` in a fresh process, on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dart.settings.test",
        "DATABASE_URL": subprocess_database_url(),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "analyze", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def analyze(*args: str) -> dict:
    out = io.StringIO()
    call_command("analyze", *args, stdout=out)
    return json.loads(out.getvalue())


def schema_errors(document: dict) -> list[str]:
    return [error.message for error in Draft202012Validator(SCHEMA).iter_errors(document)]


def first_option(document: dict) -> dict:
    ranked = sorted(document["recommendations"], key=lambda r: r["rank"])
    assert ranked, "expected at least one recommendation"
    return ranked[0]


# --- the JSON document and its schema ---------------------------------------------------------


def test_the_schema_itself_is_a_valid_json_schema():
    Draft202012Validator.check_schema(SCHEMA)


@needs_db
def test_a_run_exits_0_and_prints_json_valid_against_the_schema():
    result = run_analyze("--vcf", str(DEMO_VCF), "--tumor-type", "COADREAD")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert schema_errors(document) == []
    assert document["schema_version"] == "1"
    assert document["assembly"] == "GRCh38"
    assert document["tumor_type"] == "COADREAD"
    assert "dart" in document["data_versions"]
    assert len(document["variants"]) == 3313  # every record of the demo file
    ids = [variant["id"] for variant in document["variants"]]
    assert len(set(ids)) == len(ids)
    assert [r["rank"] for r in document["recommendations"]] == list(
        range(1, len(document["recommendations"]) + 1)
    )
    referenced = {
        i for r in document["recommendations"] + document["resistance"] for i in r["variant_ids"]
    }
    assert referenced <= set(ids)


# Written by hand from the contract in issue 3, not produced by the code under test.
VALID_DOCUMENT = {
    "schema_version": "1",
    "assembly": "GRCh38",
    "tumor_type": "MEL",
    "samples": {"tumor": "TUMOR", "normal": "NORMAL"},
    "warnings": [],
    "data_versions": {"dart": "0.1.0"},
    "variants": [
        {
            "id": "chr7:140753336:A:T", "chrom": "chr7", "pos": 140753336, "ref": "A", "alt": "T",
            "filter": ["PASS"], "vaf": 0.33, "depth": 60, "gene": "BRAF", "hgvsp": "p.Val600Glu",
        }
    ],
    "biomarkers": [{"type": "TMB", "value": 2.1, "unit": "mut/Mb", "status": "low"}],
    "recommendations": [
        {
            "rank": 1, "therapy": "Dabrafenib + Trametinib", "drugs": ["dabrafenib", "trametinib"],
            "escat": "I-A", "amp_tier": "I", "amp_level": "A", "score": 100.0,
            "biomarkers": ["BRAF p.V600E"], "variant_ids": ["chr7:140753336:A:T"],
            "evidence": [{"source": "FDA", "id": "label", "level": "A", "citation": None}],
            "rationale": "BRAF V600E melanoma: approved combination.",
        }
    ],
    "resistance": [],
}  # fmt: skip


def test_the_hand_written_reference_document_is_valid():
    assert schema_errors(VALID_DOCUMENT) == []


def _without_variants(doc):
    del doc["variants"]


def _rank_as_string(doc):
    doc["recommendations"][0]["rank"] = "1"


def _drug_not_lower_case(doc):
    doc["recommendations"][0]["drugs"] = ["Dabrafenib", "trametinib"]


def _unknown_escat_tier(doc):
    doc["recommendations"][0]["escat"] = "I"


def _vaf_as_percent(doc):
    doc["variants"][0]["vaf"] = 33.0


def _pos_as_string(doc):
    doc["variants"][0]["pos"] = "140753336"


def _wrong_schema_version(doc):
    doc["schema_version"] = 1


def _resistance_with_escat(doc):
    doc["resistance"] = [
        {
            "therapy": "Cetuximab", "drugs": ["cetuximab"], "biomarkers": ["KRAS p.G12D"],
            "variant_ids": [], "evidence": [], "rationale": "x", "amp_tier": "I",
            "amp_level": "A", "escat": "I-A",
        }
    ]  # fmt: skip


@pytest.mark.parametrize(
    "break_it",
    [
        _without_variants, _rank_as_string, _drug_not_lower_case, _unknown_escat_tier,
        _vaf_as_percent, _pos_as_string, _wrong_schema_version, _resistance_with_escat,
    ],
)  # fmt: skip
def test_a_broken_document_fails_the_schema(break_it):
    document = copy.deepcopy(VALID_DOCUMENT)
    break_it(document)
    assert schema_errors(document) != []


# --- ranking: the same alteration, different tumor types, and no invented options --------------


@needs_db
def test_braf_v600e_in_melanoma_ranks_dabrafenib_plus_trametinib_first():
    document = analyze("--vcf", str(DEMO_VCF), "--tumor-type", "MEL")

    first = first_option(document)
    assert first["rank"] == 1
    assert first["therapy"] == "Dabrafenib + Trametinib"
    assert first["drugs"] == ["dabrafenib", "trametinib"]
    assert "BRAF p.V600E" in first["biomarkers"]
    assert first["variant_ids"] == [BRAF_V600E]


@needs_db
def test_braf_v600e_in_colorectal_cancer_ranks_encorafenib_plus_cetuximab_first():
    document = analyze("--vcf", str(DEMO_VCF), "--tumor-type", "COADREAD")

    first = first_option(document)
    assert first["therapy"] == "Encorafenib + Cetuximab"
    assert first["drugs"] == ["encorafenib", "cetuximab"]
    assert first["variant_ids"] == [BRAF_V600E]
    # Values from the raw record: 7 140753336 A T PASS TVAF=0.314814814815;TDP=54
    braf = next(v for v in document["variants"] if v["id"] == BRAF_V600E)
    assert (braf["chrom"], braf["pos"], braf["ref"], braf["alt"]) == ("7", 140753336, "A", "T")
    assert braf["filter"] == ["PASS"]
    assert braf["gene"] == "BRAF"
    assert braf["hgvsp"] == "p.Val600Glu"
    assert braf["vaf"] == pytest.approx(0.314814814815)
    assert braf["depth"] == 54


@needs_db
@pytest.mark.parametrize(
    "records", [[KRAS_G12D], [BRAF_V600E_CHR, KRAS_G12D]], ids=["kras-only", "kras-and-braf"]
)
def test_anti_egfr_antibodies_are_never_recommended_for_kras_mutant_colorectal_cancer(
    records, tmp_path
):
    document = analyze(
        "--vcf", str(write_vcf(tmp_path / "crc.vcf", *records)), "--tumor-type", "COADREAD"
    )

    kras = next(v for v in document["variants"] if v["id"] == "chr12:25245350:C:T")
    assert (kras["gene"], kras["hgvsp"]) == ("KRAS", "p.Gly12Asp")
    for option in document["recommendations"]:
        assert not ANTI_EGFR & set(option["drugs"]), option["therapy"]
    against = {drug for r in document["resistance"] for drug in r["drugs"]}
    assert "cetuximab" in against
    cetuximab = next(r for r in document["resistance"] if "cetuximab" in r["drugs"])
    assert "KRAS p.G12D" in cetuximab["biomarkers"]
    assert cetuximab["variant_ids"] == ["chr12:25245350:C:T"]
    assert cetuximab["escat"] is None


@needs_db
def test_braf_v600e_with_kras_g12d_in_colorectal_cancer_still_gets_braf_options(tmp_path):
    vcf = write_vcf(tmp_path / "crc.vcf", BRAF_V600E_CHR, KRAS_G12D)

    document = analyze("--vcf", str(vcf), "--tumor-type", "COADREAD")

    first = first_option(document)
    assert "BRAF p.V600E" in first["biomarkers"]
    assert first["therapy"] != "Encorafenib + Cetuximab"


@needs_db
def test_a_case_with_nothing_actionable_gets_no_recommendation(tmp_path):
    vcf = write_vcf(tmp_path / "quiet.vcf", *NOTHING_ACTIONABLE)

    document = analyze("--vcf", str(vcf), "--tumor-type", "COADREAD")

    assert [v["gene"] for v in document["variants"]] == ["BRAF", "BRAF", "KRAS"]
    assert document["recommendations"] == []
    assert document["resistance"] == []


# --- bad input and usage errors -----------------------------------------------------------------


def _not_a_vcf(folder: Path) -> tuple[Path, str | None]:
    path = folder / "notes.txt"
    path.write_text("Tumor board notes, 3 May: discuss BRAF.\n")
    return path, None


def _empty(folder: Path) -> tuple[Path, str | None]:
    path = folder / "empty.vcf"
    path.write_bytes(b"")
    return path, None


def _truncated_gzip(folder: Path) -> tuple[Path, str | None]:
    path = folder / "cut.vcf.gz"
    path.write_bytes(DEMO_VCF.read_bytes()[:3000])
    return path, None


def _bad_position(folder: Path) -> tuple[Path, str | None]:
    # line 13 is the first record, line 14 the second (HEADER has 12 lines)
    bad = KRAS_G12D.replace("25245350", "25,245,350")
    return write_vcf(folder / "commas.vcf", BRAF_V600E_CHR, bad), "line 14"


def _position_beyond_any_chromosome(folder: Path) -> tuple[Path, str | None]:
    bad = KRAS_G12D.replace("25245350", "25245350000000000000")  # 2.5e19: no chromosome
    return write_vcf(folder / "far.vcf", BRAF_V600E_CHR, bad), "line 14"


def _depth_beyond_any_run(folder: Path) -> tuple[Path, str | None]:
    # the second record's tumor DP is three billion reads (and beyond a stored 32-bit count)
    bad = KRAS_G12D.replace("0.357:70", "0.357:3000000000")
    return write_vcf(folder / "deep.vcf", BRAF_V600E_CHR, bad), "line 14"


def _gene_name_beyond_any_gene(folder: Path) -> tuple[Path, str | None]:
    # the pipeline's annotation (VEP CSQ) names a gene of 400 characters on the second record
    csq = (
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl '
        'VEP. Format: Allele|Consequence|IMPACT|SYMBOL">\n'
    )
    annotated = KRAS_G12D.replace(
        "\t.\tGT", "\tCSQ=T|missense_variant|MODERATE|" + "Q1" * 200 + "\tGT"
    )
    path = folder / "gene.vcf"
    path.write_text(HEADER.replace("#CHROM", csq + "#CHROM") + BRAF_V600E_CHR + annotated)
    return path, "line 15"


def _missing(folder: Path) -> tuple[Path, str | None]:
    return folder / "never-written.vcf", None


@needs_db
def test_a_long_deletion_and_a_long_filter_list_are_stored_as_given(tmp_path):
    """Valid records whose text runs long: a 400-base deletion (variant id and original record
    beyond 400 characters) and a FILTER of 40 names."""
    deleted = "".join("ACGT"[(i * 7) % 4] for i in range(400))
    deletion = (
        f"chr7\t140753300\t.\tA{deleted}\tA\t.\tPASS\t.\tGT:AD:AF:DP\t0/0:60,0:0.0:60\t"
        "0/1:40,20:0.333:60\n"
    )
    filters = ";".join(f"filter_{i}" for i in range(40))
    filtered = KRAS_G12D.replace("\tPASS\t", f"\t{filters}\t")
    path = write_vcf(tmp_path / "long.vcf", deletion, BRAF_V600E_CHR, filtered)

    result = run_analyze("--vcf", str(path), "--tumor-type", "COADREAD")

    assert result.returncode == 0, result.stderr
    variants = {v["id"]: v for v in json.loads(result.stdout)["variants"]}
    assert f"chr7:140753300:A{deleted}:A" in variants
    assert variants["chr12:25245350:C:T"]["filter"] == filters.split(";")


@needs_db
@pytest.mark.parametrize(
    "make_input",
    [
        _not_a_vcf,
        _empty,
        _truncated_gzip,
        _bad_position,
        _position_beyond_any_chromosome,
        _depth_beyond_any_run,
        _gene_name_beyond_any_gene,
        _missing,
    ],
)
def test_bad_input_exits_1_with_one_line_naming_the_file_and_stores_nothing(make_input, tmp_path):
    path, line = make_input(tmp_path)

    result = run_analyze("--vcf", str(path), "--tumor-type", "COADREAD")

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert path.name in lines[0]
    if line is not None:
        assert line in lines[0]
    assert Case.objects.count() == 0
    assert Upload.objects.count() == 0
    assert Variant.objects.count() == 0


@needs_db
@pytest.mark.parametrize(
    "args",
    [
        ["--tumor-type", "COADREAD"],
        ["--vcf", str(DEMO_VCF), "--assembly", "hg19"],
        ["--vcf", str(DEMO_VCF), "--no-such-option"],
    ],
    ids=["missing-vcf", "bad-assembly", "unknown-option"],
)
def test_a_usage_error_exits_2_and_stores_nothing(args):
    result = run_analyze(*args)

    assert result.returncode == 2, result.stderr
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert Case.objects.count() == 0


# --- outputs ------------------------------------------------------------------------------------


@needs_db
def test_json_option_writes_the_file_and_leaves_stdout_clean(tmp_path):
    out = tmp_path / "result.json"

    result = run_analyze("--vcf", str(DEMO_VCF), "--tumor-type", "COADREAD", "--json", str(out))

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    document = json.loads(out.read_text())
    assert schema_errors(document) == []
    assert first_option(document)["therapy"] == "Encorafenib + Cetuximab"


@needs_db
def test_pdf_option_writes_a_pdf_report(tmp_path):
    pdf = tmp_path / "report.pdf"

    analyze("--vcf", str(DEMO_VCF), "--tumor-type", "COADREAD", "--pdf", str(pdf))

    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "BRAF" in text
        assert "Encorafenib" in text


@needs_db
def test_an_unwritable_json_path_is_refused_in_one_line_without_a_traceback(tmp_path):
    out = tmp_path / "no-such-folder" / "result.json"

    result = run_analyze("--vcf", str(DEMO_VCF), "--json", str(out))

    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "result.json" in result.stderr


@needs_db
def test_every_kind_of_input_together_gives_one_valid_result(shared_data, tmp_path):
    data = shared_data
    out = tmp_path / "result.json"

    result = run_analyze(
        "--vcf", str(data / "vcf/scout_cancer_test.freebayes_paired.vep95.grch37.vcf.gz"),
        "--germline-vcf", str(data / "vcf/hmf_orange_COLO829.purple.germline.sage.grch37.vcf"),
        "--sv-vcf", str(data / "vcf/hmf_orange_COLO829.purple.sv.esvee.grch37.vcf"),
        "--cnv", str(data / "cnv/hmf_orange_COLO829.purple.cnv.somatic.grch37.tsv"),
        "--purity", "0.99", "--ploidy", "3.1", "--tumor-type", "MEL", "--json", str(out),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert schema_errors(document) == []
    kinds = [i["kind"] for i in document["inputs"]]
    assert kinds == ["somatic_vcf", "germline_vcf", "sv_vcf", "copy_number"]
    assert {v["origin"] for v in document["variants"]} == {"somatic", "germline"}
    assert document["copy_number"]


@needs_db
def test_a_site_gene_table_gives_grch37_copy_number_calls_beyond_the_lrg_genes(
    shared_data, settings
):
    # COLO829 PURPLE segment "16 58624546 58663330 -0.0117" (no copies) lies in CNOT1, which the
    # bundled GRCh37 table (LRG genes only) does not hold; SpliceAI's gene models do.
    args = (
        "--vcf", str(shared_data / "vcf/scout_cancer_test.freebayes_paired.vep95.grch37.vcf.gz"),
        "--cnv", str(shared_data / "cnv/hmf_orange_COLO829.purple.cnv.somatic.grch37.tsv"),
        "--ploidy", "3.1", "--tumor-type", "MEL",
    )  # fmt: skip
    bundled = analyze(*args)
    assert "CNOT1" not in {call["gene"] for call in bundled["copy_number"]}

    settings.DART_GENE_TABLE = {
        "GRCh37": str(
            shared_data / "reference/GRCh37/spliceai_canonical_gene_models.GRCh37.tsv.gz"
        ),
        "GRCh38": "",
    }
    genome_wide = analyze(*args)
    cnot1 = next(call for call in genome_wide["copy_number"] if call["gene"] == "CNOT1")
    assert cnot1["call"] == "deep_deletion"
    assert cnot1["segment"] == "16:58624546-58663330"
