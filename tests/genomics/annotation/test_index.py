"""Building and loading transcript indexes from the public LRG reference files."""

import gzip
import json

import pysam
import pytest

from genomics.annotation.annotator import BUNDLED, default_annotator, load_annotator
from genomics.annotation.index import build_index

BRAF_RECORD = "chr7:140717327-140929764"  # GRCh38 LRG_299 region record


@pytest.fixture(scope="module")
def ref38(shared_data):
    return shared_data / "reference" / "GRCh38"


def test_build_from_region_records_for_chosen_genes(ref38, tmp_path):
    out = build_index(
        assembly="GRCh38",
        gtf=ref38 / "lrg_transcripts.GRCh38.gtf.gz",
        fasta=ref38 / "lrg_genomic.GRCh38.fa.gz",
        mane=ref38 / "MANE.GRCh38.v1.5.summary.txt.gz",
        out=tmp_path / "site.json.gz",
        genes=["BRAF", "kras"],
        name="site-index",
        version="1",
    )
    ann = load_annotator(out)
    assert (ann.name, ann.version) == ("site-index", "1")
    assert ann.genes() == frozenset({"BRAF", "KRAS"})
    a = ann.annotate("chr7", 140753336, "A", "T").chosen
    assert (a.hgvsc, a.hgvsp_short, a.exon) == ("c.1799T>A", "p.V600E", "15/18")
    assert a.mane_ids == ("NM_004333.6", "ENST00000646891.2")  # MANE v1.5 row for BRAF
    assert ann.annotate("17", 7674894, "G", "A") is None  # TP53 was not asked for
    assert load_annotator(out) is ann  # loaded once per process


def test_whole_chromosome_fasta_maps_coordinates_the_same_way(ref38, tmp_path):
    # A "whole chromosome" named chr7 whose first base is genome position S of the LRG
    # record, with the GTF shifted by S-1: V600E must sit at 140753336 - (S - 1).
    start = 140717327
    seq = pysam.FastaFile(str(ref38 / "lrg_genomic.GRCh38.fa.gz")).fetch(BRAF_RECORD)
    fasta = tmp_path / "chr7.fa"
    fasta.write_text(">chr7\n" + "\n".join(seq[i : i + 60] for i in range(0, len(seq), 60)) + "\n")
    pysam.faidx(str(fasta))
    gtf = tmp_path / "braf.gtf"
    with gzip.open(ref38 / "lrg_transcripts.GRCh38.gtf.gz", "rt") as fh, open(gtf, "w") as out:
        for line in fh:
            f = line.split("\t")
            if len(f) > 8 and 'gene_name "BRAF"' in f[8]:
                f[3], f[4] = str(int(f[3]) - start + 1), str(int(f[4]) - start + 1)
                out.write("\t".join(f))
    ann = load_annotator(
        build_index(assembly="GRCh38", gtf=gtf, fasta=fasta, out=tmp_path / "w.json.gz")
    )
    a = ann.annotate("7", 140753336 - start + 1, "A", "T").chosen
    assert (a.transcript, a.hgvsc, a.hgvsp) == ("NM_004333.4", "c.1799T>A", "p.Val600Glu")


def test_bundled_indexes_name_their_sources_and_lack_known_genes():
    for assembly in ("GRCh38", "GRCh37"):
        ann = default_annotator(assembly)
        assert ann.name == f"dart-lrg-cancer-{assembly}"
        assert {"BRAF", "EGFR", "KRAS", "TP53", "PIK3CA", "ERBB2"} <= ann.genes()
        assert not {"ESR1", "CTNNB1", "POLE", "ROS1", "NTRK2", "NTRK3"} & ann.genes()
        assert default_annotator(assembly.lower()) is ann
    with gzip.open(BUNDLED["GRCh38"], "rt") as fh:
        data = json.load(fh)
    assert data["assembly"] == "GRCh38" and len(data["transcripts"]) == 679
