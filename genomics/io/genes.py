"""Gene coordinates for turning segments and breakends into genes.

``GeneSpans.load("GRCh38")`` reads DART's bundled table (genomics/data/genes, see SOURCE.md
there); ``GeneSpans.load("GRCh37", path="my_genes.bed")`` reads the user's own table instead.
Coordinates are 1-based and inclusive; chromosome names are compared without ``chr`` and with
``M``/``MT`` treated alike, so ``chr7`` and ``7`` find the same genes. No Django.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import heapq
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from genomics.io._text import TextLines, checked_gene, display_name
from genomics.io.errors import InputError

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "genes"
ASSEMBLIES = ("GRCh37", "GRCh38")
ASSEMBLY_ALIASES = {
    "grch37": "GRCh37",
    "hg19": "GRCh37",
    "b37": "GRCh37",
    "hs37d5": "GRCh37",
    "grch38": "GRCh38",
    "hg38": "GRCh38",
    "b38": "GRCh38",
}
# Chromosome lengths tell the assemblies apart (the naming alone does not).
CONTIG_LENGTHS = {
    "1": {249250621: "GRCh37", 248956422: "GRCh38"},
    "2": {243199373: "GRCh37", 242193529: "GRCh38"},
    "3": {198022430: "GRCh37", 198295559: "GRCh38"},
    "7": {159138663: "GRCh37", 159345973: "GRCh38"},
    "17": {81195210: "GRCh37", 83257441: "GRCh38"},
    "X": {155270560: "GRCh37", 156040895: "GRCh38"},
}
_GTF_NAME = re.compile(r'gene_name "([^"]+)"')


def normalize_assembly(assembly: str) -> str:
    """``hg19``/``b37``/``GRCh37`` -> ``GRCh37``; ``hg38`` -> ``GRCh38``; else InputError."""
    name = ASSEMBLY_ALIASES.get(assembly.strip().lower())
    if name is None:
        raise InputError(
            f"unknown assembly '{assembly}'; DART knows GRCh37 and GRCh38", filename="assembly"
        )
    return name


def normalize_chrom(chrom: str) -> str:
    """``chr7`` -> ``7``, ``chrM``/``M`` -> ``MT``, ``chrX`` -> ``X``."""
    name = chrom.strip()
    if name[:3].lower() == "chr":
        name = name[3:]
    if name.upper() in {"M", "MT"}:
        return "MT"
    return name.upper() if name.lower() in {"x", "y"} else name


def assembly_from_contigs(lengths: dict[str, int]) -> str | None:
    """GRCh37 or GRCh38 from ``##contig`` lengths, or None when they do not say."""
    for name, length in lengths.items():
        known = CONTIG_LENGTHS.get(normalize_chrom(name))
        if known and length in known:
            return known[length]
    return None


@dataclass(frozen=True)
class Gene:
    """One gene's span: 1-based inclusive, ``chrom`` without ``chr``."""

    name: str
    chrom: str
    start: int
    end: int
    strand: str = "."
    ensembl_gene: str = ""


class GeneSpans:
    """Genes of one assembly with an interval lookup."""

    def __init__(self, genes: list[Gene], *, assembly: str, source: str) -> None:
        self.assembly = assembly
        self.source = source
        self._by_chrom: dict[str, list[Gene]] = {}
        for gene in genes:
            self._by_chrom.setdefault(gene.chrom, []).append(gene)
        self._starts: dict[str, list[int]] = {}
        self._longest: dict[str, int] = {}
        for chrom, chrom_genes in self._by_chrom.items():
            chrom_genes.sort(key=lambda g: (g.start, g.end, g.name))
            self._starts[chrom] = [g.start for g in chrom_genes]
            self._longest[chrom] = max(g.end - g.start + 1 for g in chrom_genes)
        self._by_name = {gene.name: gene for gene in genes}
        self._by_ensembl = {g.ensembl_gene: g.name for g in genes if g.ensembl_gene}
        self._points: dict[str, tuple[list[int], list[str]]] = {}
        self._last: tuple[str, float, float, str] = ("", 0, 0, "")  # chrom, interval, name

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Gene | None:
        return self._by_name.get(name)

    def symbol_for_ensembl(self, gene_id: str) -> str | None:
        """``ENSG00000141736(.13)`` -> ``ERBB2`` when the table knows it."""
        return self._by_ensembl.get(gene_id.split(".", 1)[0])

    def overlapping(self, chrom: str, start: int, end: int) -> list[Gene]:
        """Genes overlapping ``chrom:start-end`` (1-based, inclusive), ordered by start."""
        key = normalize_chrom(chrom)
        genes = self._by_chrom.get(key)
        if not genes:
            return []
        starts = self._starts[key]
        low = bisect.bisect_left(starts, start - self._longest[key])
        high = bisect.bisect_right(starts, end)
        return [gene for gene in genes[low:high] if gene.end >= start]

    def coverage_warning(self) -> str | None:
        """A warning when this is the bundled GRCh37 table, which holds only the LRG genes."""
        if self.source.startswith("bundled") and self.assembly == "GRCh37":
            return (
                f"genes were looked up in the bundled GRCh37 table, which covers only "
                f"{len(self)} LRG genes; set DART_GENE_TABLE_GRCH37 to a whole-genome gene "
                "table (for example SpliceAI's GRCh37 gene models) for genome-wide calls"
            )
        return None

    def name_at(self, chrom: str, pos: int) -> str:
        """The first gene (by start) overlapping one position, or ''; the same answer as
        ``overlapping(chrom, pos, pos)[0].name`` with a single bisect."""
        last_chrom, low, high, name = self._last
        if low <= pos < high and chrom == last_chrom:  # sorted calls: mostly the same interval
            return name
        points = self._points.get(chrom)
        if points is None:
            points = self._points[chrom] = self._point_table(normalize_chrom(chrom))
        bounds, names = points
        i = bisect.bisect_right(bounds, pos) - 1
        name = names[i] if i >= 0 else ""
        self._last = (
            chrom,
            bounds[i] if i >= 0 else -math.inf,
            bounds[i + 1] if i + 1 < len(bounds) else math.inf,
            name,
        )
        return name

    def _point_table(self, key: str) -> tuple[list[int], list[str]]:
        """Boundaries of the elementary intervals of one chromosome and, for each, the first
        gene covering it ('' for none)."""
        genes = self._by_chrom.get(key, [])
        bounds = sorted({g.start for g in genes} | {g.end + 1 for g in genes})
        names: list[str] = []
        active: list[tuple[int, int]] = []  # (order, end): the lowest order first
        k = 0
        for bound in bounds:
            while k < len(genes) and genes[k].start <= bound:
                heapq.heappush(active, (k, genes[k].end))
                k += 1
            while active and active[0][1] < bound:
                heapq.heappop(active)
            names.append(genes[active[0][0]].name if active else "")
        return bounds, names

    @classmethod
    def load(cls, assembly: str, path: str | os.PathLike[str] | None = None) -> GeneSpans:
        """The bundled table for ``assembly``, or the user's table at ``path``.

        A user table may be: a TSV/CSV with a header naming gene (or symbol/name), chrom
        (or chromosome/chr), start and end (1-based, inclusive; UCSC-style ``txStart`` /
        ``chromStart`` / ``TX_START`` starts are 0-based, as in UCSC tables and SpliceAI's gene
        models); a BED file (chrom, 0-based start, end, name); or a GTF (its ``gene`` lines and
        ``gene_name``). Tables are read once per process and path.
        """
        name = normalize_assembly(assembly)
        if not path:
            return _bundled(name)
        return _user_table(name, str(path))


@lru_cache(maxsize=4)
def _bundled(assembly: str) -> GeneSpans:
    table = DATA_DIR / f"genes.{assembly}.tsv.gz"
    genes = []
    with gzip.open(table, "rt") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            genes.append(
                Gene(
                    row["gene"],
                    normalize_chrom(row["chrom"]),
                    int(row["start"]),
                    int(row["end"]),
                    row["strand"],
                    row["ensembl_gene"],
                )
            )
    return GeneSpans(genes, assembly=assembly, source=f"bundled {table.name}")


@lru_cache(maxsize=4)
def _user_table(assembly: str, path: str) -> GeneSpans:
    return GeneSpans(_read_user_table(Path(path)), assembly=assembly, source=path)


@lru_cache(maxsize=1)
def transcript_genes() -> dict[str, str]:
    """Bundled transcript id (without version) -> gene symbol (MANE and LRG transcripts)."""
    with gzip.open(DATA_DIR / "transcripts.tsv.gz", "rt") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        return {tx: gene for tx, gene in reader}


def _read_user_table(path: Path) -> list[Gene]:
    name = display_name(path, None)
    genes: list[Gene] = []
    columns: dict[str, int] | None = None
    delimiter = "\t"
    first = True
    with TextLines(path) as lines:
        for number, line in lines:
            if not line.strip() or line.startswith(("##", "track", "browser")):
                continue
            if first:
                first = False
                if "\t" not in line and "," in line:
                    delimiter = ","
                found = _header_columns(
                    [f.strip().lstrip("#").lower() for f in line.split(delimiter)]
                )
                if found is not None:
                    columns = found
                    continue
            if line.startswith("#"):
                continue
            fields = [f.strip() for f in line.split(delimiter)]
            if columns is not None:
                if len(fields) <= max(columns.values()):
                    raise InputError(
                        "the row has fewer columns than the header", filename=name, line=number
                    )
                strand = fields[columns["strand"]] if "strand" in columns else "."
                genes.append(
                    Gene(
                        checked_gene(fields[columns["gene"]], name=name, line=number),
                        normalize_chrom(fields[columns["chrom"]]),
                        _int(fields[columns["start"]], name, number) + columns["zero_based"],
                        _int(fields[columns["end"]], name, number),
                        strand,
                    )
                )
            elif len(fields) >= 9:  # GTF: only its gene lines
                match = _GTF_NAME.search(fields[8])
                if fields[2] == "gene" and match:
                    genes.append(
                        Gene(
                            checked_gene(match.group(1), name=name, line=number),
                            normalize_chrom(fields[0]),
                            _int(fields[3], name, number),
                            _int(fields[4], name, number),
                            fields[6],
                        )
                    )
            elif len(fields) >= 4:  # BED: 0-based start, optional strand in column 6
                strand = fields[5] if len(fields) >= 6 else "."
                genes.append(
                    Gene(
                        checked_gene(fields[3], name=name, line=number),
                        normalize_chrom(fields[0]),
                        _int(fields[1], name, number) + 1,
                        _int(fields[2], name, number),
                        strand,
                    )
                )
            else:
                raise InputError(
                    "a gene table needs a header with gene, chrom, start and end columns, "
                    "or BED (chrom, start, end, name) or GTF lines",
                    filename=name,
                    line=number,
                )
    if not genes:
        raise InputError("the gene table lists no genes", filename=name)
    return genes


def _header_columns(lowered: list[str]) -> dict[str, int] | None:
    wanted = {
        # in order of preference: UCSC's name2 is the symbol, its name the transcript
        "gene": ("gene", "symbol", "gene_name", "hugo_symbol", "gene_symbol", "name2", "name"),
        "chrom": ("chrom", "chromosome", "chr", "seqname", "contig"),
        "start": ("start", "chromstart", "chr_start", "gene_start", "txstart", "tx_start"),
        "end": ("end", "chromend", "chr_end", "gene_end", "txend", "tx_end"),
        "strand": ("strand", "chr_strand"),
    }
    found: dict[str, int] = {}
    for key, names in wanted.items():
        for name in names:
            if name in lowered:
                found[key] = lowered.index(name)
                break
    if not {"gene", "chrom", "start", "end"} <= found.keys():
        return None
    found["zero_based"] = int(lowered[found["start"]] in _ZERO_BASED_STARTS)
    return found


_ZERO_BASED_STARTS = {"chromstart", "txstart", "tx_start"}


def _int(value: str, name: str, line: int) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(
            f"position '{value[:40]}' is not a whole number", filename=name, line=line
        ) from None
