"""Which caller wrote a VCF, which column is the tumor, and where each caller keeps VAF and depth.

Pure functions over header metadata and split sample values; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from genomics.io.errors import InputError

#: (vaf, depth, alt_count, problem) for one sample and one ALT allele
SampleValues = tuple[float | None, int | None, int | None, str | None]
Extractor = Callable[[list[str], str, str, int, int], SampleValues]

_VERSION_RE = re.compile(r"[Vv]ersion=\"?([^\",>]+)")


def _first(meta: dict[str, list[str]], key: str) -> str | None:
    values = meta.get(key.lower())
    return values[0].strip().strip('"') if values else None


def detect_callers(
    meta: dict[str, list[str]], format_ids: set[str], info_ids: set[str]
) -> list[tuple[str, str | None]]:
    """All callers whose fingerprints are in the header, most specific first, with versions.

    ``meta`` maps lower-cased ``##KEY`` to the raw values of those lines.
    """
    found: list[tuple[str, str | None]] = []
    sources = [s.lower() for s in meta.get("source", [])]
    gatk = " ".join(meta.get("gatkcommandline", []) + meta.get("gatk_commandline", []))
    gatk_tools = {m.group(1).lower(): m for m in re.finditer(r"ID=([A-Za-z0-9]+)[^>]*", gatk)}
    for key, values in meta.items():  # ##GATKCommandLine.MuTect2=<ID=MuTect2,Version=3.6 ...>
        if key.startswith("gatkcommandline."):
            for v in values:
                m = re.search(r"ID=([A-Za-z0-9]+)", v)
                if m:
                    gatk_tools.setdefault(m.group(1).lower(), m)

    def gatk_version(tool: str) -> str | None:
        for key, values in meta.items():
            if key.startswith("gatkcommandline"):
                for v in values:
                    if f"ID={tool}".lower() in v.lower():
                        vm = _VERSION_RE.search(v)
                        if vm:
                            return vm.group(1)
        return None

    def add(name: str, version: str | None) -> None:
        if name not in [f[0] for f in found]:
            found.append((name, version))

    if "dragenversion" in meta or any("dragen" in s for s in sources):
        add("dragen", _first(meta, "DRAGENVersion"))
    if "sageversion" in meta:
        add("sage", _first(meta, "sageVersion"))
    mutect_version = _first(meta, "MutectVersion") or _first(meta, "Mutect Version")
    if mutect_version or "mutect2" in gatk_tools or "mutect2" in sources:
        add("mutect2", mutect_version or gatk_version("Mutect2") or gatk_version("MuTect2"))
    if {"AO", "RO"} <= format_ids and not found:  # freeBayes-style counts, whatever the source
        add("freebayes", None)
    if (
        "mutect" in gatk_tools
        or "mutect" in meta
        or (
            "FA" in format_ids
            and "FREQ" not in format_ids
            and "BCOUNT" not in format_ids
            and not found
        )
    ):
        add("mutect1", gatk_version("MuTect") or _first(meta, "MuTect"))
    for s in sources:
        if s.startswith("strelka"):
            version = _first(meta, "source_version")
            if version and version.startswith("2.") and not version.startswith("2.0."):
                add("strelka2", version)
            elif version:
                add("strelka1", version)
            else:
                add("strelka", None)
        elif s.startswith("varscan"):
            add("varscan2", None)
        elif s.startswith("vardict"):
            add("vardict", None)
        elif s.startswith("freebayes"):
            add("freebayes", s.split()[1].lstrip("v") if " " in s else None)
        elif s.startswith("lofreq"):
            add("lofreq", _first(meta, "source_version"))
        elif s.startswith("scalpel"):
            m = re.match(r"scalpel\s*([0-9.]+)", s)
            add("scalpel", m.group(1) if m else None)
        elif "pindel" in s:
            add("pindel", None)
        elif "somaticsniper" in s or "bam-somaticsniper" in s:
            add("somaticsniper", None)
    if "haplotypecaller" in gatk_tools or "haplotypecaller" in sources:
        add("haplotypecaller", gatk_version("HaplotypeCaller"))
    if "muse_version" in meta:
        add("muse", (_first(meta, "MuSE_version") or "").split(" Build")[0] or None)
    if {"BCOUNT", "IGT", "SSC"} <= format_ids:
        add("somaticsniper", None)
    if {"VD", "ALD"} <= format_ids or "ADJAF" in info_ids:
        add("vardict", None)
    if {"AO", "RO"} <= format_ids:
        add("freebayes", None)
    if "FREQ" in format_ids and "RD" in format_ids:
        add("varscan2", None)
    if {"AU", "CU", "GU", "TU"} <= format_ids or {"TAR", "TIR"} <= format_ids:
        add("strelka", None)
    if any("pindel" in v.lower() for vs in meta.get("vcfprocesslog", []) for v in [vs]):
        add("pindel", None)
    if "haplotypecaller" in gatk_tools or "haplotypecaller" in sources:
        add("haplotypecaller", gatk_version("HaplotypeCaller"))
    if "bcftools_callversion" in meta:
        add("bcftools", _first(meta, "bcftools_callVersion"))
    if {"TVAF", "TDP"} <= info_ids and not found:
        add("pcgr", None)
    if not found and "VAF" in format_ids and "DP4" in format_ids:
        add("somaticseq", None)
    return found


# ---- tumor / normal columns -------------------------------------------------------------

_TCGA_RE = re.compile(r"TCGA-\w\w-\w{4}-(\d\d)")
_KV_RE = re.compile(r"(\w+)=(\"[^\"]*\"|[^,>]*)")
_TUMOR_FIRST_CALLERS = ("sage", "vardict")


def _role_from_name(name: str) -> str | None:
    low = name.lower()
    if low in ("tumor", "tumour") or "tumor" in low or "tumour" in low or "somatic" in low:
        return "tumor"
    if low in ("normal", "germline") or "normal" in low or low.startswith("ref_"):
        return "normal"
    m = _TCGA_RE.search(name)
    if m:
        code = int(m.group(1))
        return "tumor" if code < 10 else "normal" if code < 20 else None
    return None


def resolve_samples(
    samples: Sequence[str],
    meta: dict[str, list[str]],
    callers: Sequence[str],
    *,
    filename: str,
    tumor_sample: str | None = None,
    normal_sample: str | None = None,
) -> tuple[str | None, str | None, str]:
    """Return (tumor, normal, how) from the user's choice, the header, caller conventions or
    sample names; never from column position alone. ``how`` says which rule decided."""
    for choice in (tumor_sample, normal_sample):
        if choice is not None and choice not in samples:
            listed = ", ".join(samples) if samples else "no sample columns"
            raise InputError(
                f"sample '{choice}' is not in this file (it has: {listed})", filename=filename
            )
    if tumor_sample and tumor_sample == normal_sample:
        raise InputError(
            f"the same sample '{tumor_sample}' was chosen as tumor and as normal",
            filename=filename,
        )
    tumor, normal, how = tumor_sample, normal_sample, "user's choice"
    if tumor is None or (normal is None and len(samples) > 1):
        t, n, h = _resolve_from_file(samples, meta, callers)
        if tumor is None and t != normal:
            tumor, how = t, h
        if normal is None and n != tumor:
            normal = n
            if tumor_sample is None:
                how = h
    if tumor is not None and normal is None and len(samples) == 2:
        normal = next(s for s in samples if s != tumor)
    if normal is not None and tumor is None and len(samples) == 2:
        tumor = next(s for s in samples if s != normal)
    if tumor is None:
        how = "unresolved"
    return tumor, normal, how


def _resolve_from_file(
    samples: Sequence[str], meta: dict[str, list[str]], callers: Sequence[str]
) -> tuple[str | None, str | None, str]:
    if not samples:
        return None, None, "no sample columns"
    tumor = normal = None
    # 1. the header names them (Mutect2 ##tumor_sample, MuSE ##TUMOR="Sample=..", ##SAMPLE)
    for key, role in (
        ("tumor_sample", "t"),
        ("normal_sample", "n"),
        ("tumor", "t"),
        ("normal", "n"),
    ):
        for raw in meta.get(key, []):
            value = raw.strip().strip('"')
            m = re.search(r"Sample=([^,\"]+)", value)
            value = m.group(1) if m else value
            if value in samples:
                if role == "t":
                    tumor = tumor or value
                else:
                    normal = normal or value
    for raw in meta.get("sample", []):
        fields = {k: v.strip('"') for k, v in _KV_RE.findall(raw)}
        sid = fields.get("ID", "")
        for cand in (fields.get("SampleName"), fields.get("Individual")):
            if cand in samples and sid.upper() in ("TUMOR", "TUMOUR", "NORMAL"):
                if sid.upper().startswith("TUM"):
                    tumor = tumor or cand
                else:
                    normal = normal or cand
    if tumor or normal:
        return tumor, normal, "header"
    # 2. a single column is the tumor (tumor-only files, PCGR's combined TUMOR_NORMAL column)
    if len(samples) == 1:
        return samples[0], None, "only sample"
    # 3. sample names (TUMOR/NORMAL, *_TUMOR_DNA, SomaticSample, TCGA sample-type codes)
    roles = {s: _role_from_name(s) for s in samples}
    tumors = [s for s, r in roles.items() if r == "tumor"]
    normals = [s for s, r in roles.items() if r == "normal"]
    if len(tumors) == 1:
        tumor = tumors[0]
    if len(normals) == 1 and normals[0] != tumor:
        normal = normals[0]
    if tumor or normal:
        return tumor, normal, "sample names"
    # 4. caller convention: SAGE and VarDict write the tumor column first
    if len(samples) == 2 and callers and callers[0] in _TUMOR_FIRST_CALLERS:
        return samples[0], samples[1], f"{callers[0]} convention (tumor column first)"
    return None, None, "unresolved"


# ---- VAF, depth and alt count per caller ------------------------------------------------


def _i(s: str) -> int | None:
    if s == "." or s == "":
        return None
    try:
        return int(s)
    except ValueError:
        try:
            return int(float(s))
        except ValueError:
            return None


def _f(s: str) -> float | None:
    if s == "." or s == "":
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return v if v == v else None  # NaN is missing


def _get(vals: list[str], idx: int) -> str:
    return vals[idx] if 0 <= idx < len(vals) else "."


def make_extractor(
    keys: list[str], numbers: dict[str, str], callers: Sequence[str] = ()
) -> Extractor:
    """Build the function that reads (vaf, depth, alt_count, problem) from one sample's values.

    ``keys`` is the record's FORMAT split on ':'; ``numbers`` maps FORMAT IDs to their header
    Number. The returned function takes (values, ref, alt, allele_index, n_alleles). Its
    ``layout`` (reader name, FORMAT key indexes), where it has one, tells the compiled fast path
    of genomics.io.vcf to read bi-allelic records the same way.
    """
    ix = {k: i for i, k in enumerate(keys)}
    g = ix.get
    i_dp = g("DP", -1)
    i_ad, i_af, i_fa = g("AD", -1), g("AF", -1), g("FA", -1)

    def dp(vals: list[str]) -> int | None:
        return _i(_get(vals, i_dp)) if i_dp >= 0 else None

    if all(k in ix for k in ("AU", "CU", "GU", "TU")):
        tiers = {b: ix[b + "U"] for b in "ACGT"}

        def strelka_snv(vals: list[str], ref: str, alt: str, ai: int, n: int) -> SampleValues:
            # Strelka: tier1 (first) counts of the REF and ALT bases; depth is DP
            r, a = ref.upper(), alt.upper()
            if r not in tiers or a not in tiers:
                return None, dp(vals), None, None
            rc = _i(_get(vals, tiers[r]).split(",")[0])
            ac = _i(_get(vals, tiers[a]).split(",")[0])
            if rc is None or ac is None:
                return None, dp(vals), ac, None
            return (ac / (rc + ac) if rc + ac else None), dp(vals), ac, None

        strelka_snv.layout = ("strelka_snv", (*tiers.values(), i_dp))  # type: ignore[attr-defined]
        return strelka_snv

    if "TAR" in ix and "TIR" in ix:
        i_tar, i_tir = ix["TAR"], ix["TIR"]

        def strelka_indel(vals: list[str], ref: str, alt: str, ai: int, n: int) -> SampleValues:
            rc = _i(_get(vals, i_tar).split(",")[0])
            ac = _i(_get(vals, i_tir).split(",")[0])
            if rc is None or ac is None:
                return None, dp(vals), ac, None
            return (ac / (rc + ac) if rc + ac else None), dp(vals), ac, None

        strelka_indel.layout = ("strelka_indel", (i_tar, i_tir, i_dp))  # type: ignore[attr-defined]
        return strelka_indel

    i_freq, i_rd = g("FREQ", -1), g("RD", -1)

    def varscan(vals: list[str]) -> SampleValues:
        # VarScan2: FREQ is a percent string ('38.46%', or URL-encoded '38.46%25' after some
        # merges); AD is the ALT depth only and RD the REF depth
        raw = _get(vals, i_freq).replace("%25", "%").rstrip("%")
        vaf = _f(raw)
        ac = _i(_get(vals, i_ad)) if i_ad >= 0 and "," not in _get(vals, i_ad) else None
        depth = dp(vals)
        if depth is None and ac is not None and i_rd >= 0:
            rd = _i(_get(vals, i_rd))
            depth = rd + ac if rd is not None else None
        return (vaf / 100 if vaf is not None else None), depth, ac, None

    ad_is_alleles = i_ad >= 0 and numbers.get("AD", "R") not in ("1",)
    af_number = numbers.get("AF", "A")
    i_vd = g("VD", -1)

    if ad_is_alleles and not ("freebayes" in callers and "AO" in ix and "RO" in ix):

        def allelic_depths(vals: list[str], ref: str, alt: str, ai: int, n: int) -> SampleValues:
            # Mutect2, MuSE, Scalpel, Pindel, bcftools, DRAGEN, SAGE, VarDict, HaplotypeCaller:
            # AD = REF,ALT1,ALT2...; VAF = the caller's AF (or FA) when valid, else from AD
            nv = len(vals)
            parts = vals[i_ad].split(",") if i_ad < nv else ["."]
            problem = None
            counts: list[int] = []
            ac = None
            total = 0
            if len(parts) == n:
                try:
                    if n == 2:
                        counts = [int(parts[0]), int(parts[1])]
                        ac = counts[1]
                        total = counts[0] + ac
                    else:
                        counts = list(map(int, parts))
                        ac = counts[ai]
                        total = sum(counts)
                except ValueError:  # '.' among the counts
                    opt = [_i(p) for p in parts]
                    ac = opt[ai]
                    total = sum(c for c in opt if c is not None)
                    counts = [c for c in opt if c is not None]
            else:
                if parts != ["."]:
                    problem = (
                        f"FORMAT AD has {len(parts)} values for {n} alleles; it is not used for VAF"
                    )
                if i_freq >= 0:
                    v = varscan(vals)
                    return v[0], v[1], v[2], problem
            vaf = None
            if 0 <= i_af < nv:
                afs = vals[i_af].split(",")
                idx = ai - 1 if af_number == "A" or len(afs) == n - 1 else ai
                if len(afs) == 1 and n == 2:
                    idx = 0
                if 0 <= idx < len(afs):
                    try:
                        vaf = float(afs[idx])
                    except ValueError:
                        vaf = None
                    if vaf is not None and not 0 <= vaf <= 1:
                        problem = f"FORMAT AF {afs[idx]} is outside 0..1; VAF taken from AD instead"
                        vaf = None
            elif 0 <= i_fa < nv and n == 2:
                vaf = _f(vals[i_fa].split(",")[0])
            if vaf is None and ac is not None and total:
                vaf = ac / total
            depth = None
            if 0 <= i_dp < nv:
                try:
                    depth = int(vals[i_dp])
                except ValueError:
                    depth = None
            if depth is None and counts:
                depth = total
            if ac is None and i_vd >= 0 and n == 2:
                ac = _i(_get(vals, i_vd))
            return vaf, depth, ac, problem

        allelic_depths.layout = ("allelic_depths", (i_ad, i_af, i_dp, i_fa))  # type: ignore[attr-defined]
        return allelic_depths

    if "AO" in ix and "RO" in ix:
        i_ao, i_ro = ix["AO"], ix["RO"]

        def freebayes(vals: list[str], ref: str, alt: str, ai: int, n: int) -> SampleValues:
            aos = [_i(x) for x in _get(vals, i_ao).split(",")]
            ro = _i(_get(vals, i_ro))
            if len(aos) != n - 1 or ro is None or None in aos:
                return None, dp(vals), None, None
            ac = aos[ai - 1]
            total = ro + sum(a for a in aos if a is not None)
            depth = dp(vals)
            return (
                (ac / total if total and ac is not None else None),
                (depth if depth is not None else total),
                ac,
                None,
            )

        freebayes.layout = ("freebayes", (i_ao, i_ro, i_dp))  # type: ignore[attr-defined]
        return freebayes

    if i_freq >= 0:

        def varscan_sample(vals: list[str], ref: str, alt: str, ai: int, n: int) -> SampleValues:
            return varscan(vals)

        varscan_sample.layout = ("varscan", (i_freq, i_ad, i_dp, i_rd))  # type: ignore[attr-defined]
        return varscan_sample

    if "BCOUNT" in ix:
        i_bc = ix["BCOUNT"]

        def sniper(vals: list[str], ref: str, alt: str, ai: int, n: int) -> SampleValues:
            # SomaticSniper: BCOUNT = reads per base A,C,G,T; VAF = ALT reads / DP
            counts = _get(vals, i_bc).split(",")
            a = alt.upper()
            depth = dp(vals)
            if len(counts) != 4 or a not in "ACGT" or len(a) != 1:
                return None, depth, None, None
            ac = _i(counts["ACGT".index(a)])
            denom = depth if depth else sum(_i(c) or 0 for c in counts)
            return (ac / denom if ac is not None and denom else None), depth, ac, None

        sniper.layout = ("sniper", (i_bc, i_dp))  # type: ignore[attr-defined]
        return sniper

    for key in ("AF", "FA", "VAF"):
        if key in ix:
            i_v = ix[key]

            def single_af(
                vals: list[str], ref: str, alt: str, ai: int, n: int, i_v: int = i_v
            ) -> SampleValues:
                afs = _get(vals, i_v).split(",")
                vaf = _f(afs[ai - 1]) if len(afs) == n - 1 else _f(afs[0]) if n == 2 else None
                problem = None
                if vaf is not None and not 0 <= vaf <= 1:
                    problem, vaf = f"FORMAT AF {vaf:g} is outside 0..1 and is not used", None
                ac = _i(_get(vals, i_vd)) if i_vd >= 0 and n == 2 else None
                return vaf, dp(vals), ac, problem

            return single_af

    return lambda vals, ref, alt, ai, n: (None, dp(vals), None, None)
