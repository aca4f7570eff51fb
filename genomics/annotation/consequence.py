"""Sequence Ontology consequence terms: one vocabulary with severity, impact and label.

The order of :data:`TERMS` is Ensembl VEP's severity ranking (release 105 and later), so
"most severe first" means sorting by :func:`rank`. Plain Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One SO consequence term: ``name`` (SO id label), VEP ``impact``, human ``label``."""

    name: str
    so_id: str
    impact: str
    label: str


TERMS: tuple[Term, ...] = (
    Term("transcript_ablation", "SO:0001893", "HIGH", "Transcript ablation"),
    Term("splice_acceptor_variant", "SO:0001574", "HIGH", "Splice acceptor"),
    Term("splice_donor_variant", "SO:0001575", "HIGH", "Splice donor"),
    Term("stop_gained", "SO:0001587", "HIGH", "Nonsense (stop gained)"),
    Term("frameshift_variant", "SO:0001589", "HIGH", "Frameshift"),
    Term("stop_lost", "SO:0001578", "HIGH", "Stop lost"),
    Term("start_lost", "SO:0002012", "HIGH", "Start lost"),
    Term("transcript_amplification", "SO:0001889", "HIGH", "Transcript amplification"),
    Term("feature_elongation", "SO:0001907", "HIGH", "Feature elongation"),
    Term("feature_truncation", "SO:0001906", "HIGH", "Feature truncation"),
    Term("inframe_insertion", "SO:0001821", "MODERATE", "In-frame insertion"),
    Term("inframe_deletion", "SO:0001822", "MODERATE", "In-frame deletion"),
    Term("missense_variant", "SO:0001583", "MODERATE", "Missense"),
    Term("protein_altering_variant", "SO:0001818", "MODERATE", "Protein altering"),
    Term("splice_donor_5th_base_variant", "SO:0001787", "LOW", "Splice donor 5th base"),
    Term("splice_region_variant", "SO:0001630", "LOW", "Splice region"),
    Term("splice_donor_region_variant", "SO:0002170", "LOW", "Splice donor region"),
    Term("splice_polypyrimidine_tract_variant", "SO:0002169", "LOW", "Splice polypyrimidine tract"),
    Term("incomplete_terminal_codon_variant", "SO:0001626", "LOW", "Incomplete terminal codon"),
    Term("start_retained_variant", "SO:0002019", "LOW", "Start retained"),
    Term("stop_retained_variant", "SO:0001567", "LOW", "Stop retained"),
    Term("synonymous_variant", "SO:0001819", "LOW", "Synonymous"),
    Term("coding_sequence_variant", "SO:0001580", "MODIFIER", "Coding sequence"),
    Term("mature_miRNA_variant", "SO:0001620", "MODIFIER", "Mature miRNA"),
    Term("5_prime_UTR_variant", "SO:0001623", "MODIFIER", "5' UTR"),
    Term("3_prime_UTR_variant", "SO:0001624", "MODIFIER", "3' UTR"),
    Term("non_coding_transcript_exon_variant", "SO:0001792", "MODIFIER", "Non-coding exon"),
    Term("intron_variant", "SO:0001627", "MODIFIER", "Intron"),
    Term("NMD_transcript_variant", "SO:0001621", "MODIFIER", "NMD transcript"),
    Term("non_coding_transcript_variant", "SO:0001619", "MODIFIER", "Non-coding transcript"),
    Term("upstream_gene_variant", "SO:0001631", "MODIFIER", "Upstream"),
    Term("downstream_gene_variant", "SO:0001632", "MODIFIER", "Downstream"),
    Term("TFBS_ablation", "SO:0001895", "MODIFIER", "TFBS ablation"),
    Term("TFBS_amplification", "SO:0001892", "MODIFIER", "TFBS amplification"),
    Term("TF_binding_site_variant", "SO:0001782", "MODIFIER", "TF binding site"),
    Term("regulatory_region_ablation", "SO:0001894", "MODIFIER", "Regulatory region ablation"),
    Term(
        "regulatory_region_amplification",
        "SO:0001891",
        "MODIFIER",
        "Regulatory region amplification",
    ),
    Term("regulatory_region_variant", "SO:0001566", "MODIFIER", "Regulatory region"),
    Term("intergenic_variant", "SO:0001628", "MODIFIER", "Intergenic"),
)

BY_NAME: dict[str, Term] = {t.name: t for t in TERMS}
_RANK: dict[str, int] = {t.name: i for i, t in enumerate(TERMS)}

# snpEff and older VEP spellings mapped onto the current SO names.
ALIASES: dict[str, str] = {
    "5_prime_UTR_premature_start_codon_gain_variant": "5_prime_UTR_variant",
    "splice_region": "splice_region_variant",
    "exon_variant": "non_coding_transcript_exon_variant",
    "non_coding_exon_variant": "non_coding_transcript_exon_variant",
    "nc_transcript_variant": "non_coding_transcript_variant",
    "non_coding_transcript_exon_variant": "non_coding_transcript_exon_variant",
    "initiator_codon_variant": "start_lost",
    "conservative_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_insertion": "inframe_insertion",
    "conservative_inframe_deletion": "inframe_deletion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "gene_fusion": "feature_elongation",
    "bidirectional_gene_fusion": "feature_elongation",
    "structural_interaction_variant": "protein_altering_variant",
    "protein_protein_contact": "protein_altering_variant",
    "sequence_feature": "coding_sequence_variant",
    "intragenic_variant": "intron_variant",
    "exon_loss_variant": "transcript_ablation",
    "rare_amino_acid_variant": "missense_variant",
    "start_retained": "start_retained_variant",
    "stop_retained": "stop_retained_variant",
    # snpEff 3.x EFF effect names
    "NON_SYNONYMOUS_CODING": "missense_variant",
    "SYNONYMOUS_CODING": "synonymous_variant",
    "STOP_GAINED": "stop_gained",
    "STOP_LOST": "stop_lost",
    "START_LOST": "start_lost",
    "FRAME_SHIFT": "frameshift_variant",
    "CODON_INSERTION": "inframe_insertion",
    "CODON_DELETION": "inframe_deletion",
    "CODON_CHANGE_PLUS_CODON_INSERTION": "inframe_insertion",
    "CODON_CHANGE_PLUS_CODON_DELETION": "inframe_deletion",
    "SPLICE_SITE_ACCEPTOR": "splice_acceptor_variant",
    "SPLICE_SITE_DONOR": "splice_donor_variant",
    "SPLICE_SITE_REGION": "splice_region_variant",
    "UTR_5_PRIME": "5_prime_UTR_variant",
    "UTR_3_PRIME": "3_prime_UTR_variant",
    "START_GAINED": "5_prime_UTR_variant",
    "INTRON": "intron_variant",
    "UPSTREAM": "upstream_gene_variant",
    "DOWNSTREAM": "downstream_gene_variant",
    "INTERGENIC": "intergenic_variant",
    "EXON": "non_coding_transcript_exon_variant",
    "SYNONYMOUS_STOP": "stop_retained_variant",
    "NON_SYNONYMOUS_START": "start_lost",
    "SYNONYMOUS_START": "start_retained_variant",
    "TRANSCRIPT": "non_coding_transcript_variant",
    "CDS": "coding_sequence_variant",
}

# Terms Ensembl VEP introduced in release 105; earlier releases call them splice_region_variant
# (donor side) or say nothing beyond intron_variant (polypyrimidine tract).
VEP105_SPLICE_TERMS = frozenset(
    {
        "splice_donor_5th_base_variant",
        "splice_donor_region_variant",
        "splice_polypyrimidine_tract_variant",
    }
)


def normalise_term(term: str) -> str:
    """A consequence term as written by VEP or snpEff -> the current SO name."""
    return ALIASES.get(term, term)


def rank(term: str) -> int:
    """Severity rank of a term (0 = most severe); unknown terms sort last."""
    return _RANK.get(term, len(_RANK))


def sort_terms(terms) -> tuple[str, ...]:
    """Terms -> a de-duplicated tuple, most severe first."""
    return tuple(sorted(set(terms), key=rank))


def impact(terms) -> str | None:
    """VEP impact (HIGH, MODERATE, LOW, MODIFIER) of the most severe of ``terms``."""
    best = min(terms, key=rank, default=None)
    if best is None:
        return None
    term = BY_NAME.get(best)
    return term.impact if term else "MODIFIER"


def legacy_terms(terms) -> frozenset[str]:
    """Terms as a VEP release before 105 writes them (for comparisons with old VEP output).

    ``splice_donor_5th_base_variant`` and ``splice_donor_region_variant`` become
    ``splice_region_variant``; ``splice_polypyrimidine_tract_variant`` is dropped unless it
    was the only term (then ``intron_variant``).
    """
    out = set()
    for t in terms:
        if t in ("splice_donor_5th_base_variant", "splice_donor_region_variant"):
            out.add("splice_region_variant")
        elif t == "splice_polypyrimidine_tract_variant":
            continue
        else:
            out.add(t)
    return frozenset(out)
