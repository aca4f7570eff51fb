"""Reads of the knowledge base: the evidence the ranking uses, and the releases behind it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from genomics.kb import oncotree
from genomics.kb.oncotree import OncoTree
from genomics.kb.schema import Biomarker, EvidenceItem, Source
from genomics.models.kb import EvidenceRecord, KnowledgeBaseRelease

# Evidence rebuilt from the database, kept per process while the current releases stay the same.
_CACHE: dict[tuple[str, ...], list[EvidenceItem]] = {}


def kb_releases_current(*, include_research_only: bool = False) -> QuerySet[KnowledgeBaseRelease]:
    """The current release of every loaded source (research-only ones only when asked)."""
    releases = KnowledgeBaseRelease.objects.filter(is_current=True).order_by("source")
    if not include_research_only:
        releases = releases.filter(research_only=False)
    return releases


def evidence_for_ranking(
    *, sources: list[str] | None = None, include_research_only: bool = False
) -> tuple[list[EvidenceItem], list[KnowledgeBaseRelease]]:
    """Evidence items of the current releases, and those releases (for the analysis record).

    ``sources`` limits the loader keys (``["curated", "moalmanac"]``); research-only sources
    (CGI) are left out unless ``include_research_only``. Empty lists when nothing is loaded.
    """
    releases = list(kb_releases_current(include_research_only=include_research_only))
    if sources is not None:
        releases = [r for r in releases if r.source in sources]
    key = tuple(sorted(str(r.uuid) for r in releases))
    if key not in _CACHE:
        _CACHE.clear()
        items: list[EvidenceItem] = []
        for release in releases:
            source = Source(
                release.name,
                release.version,
                release.licence,
                release.url,
                research_only=release.research_only,
            )
            records = EvidenceRecord.objects.filter(release=release).order_by("id")
            items.extend(_item(record, source) for record in records.iterator(chunk_size=2000))
        _CACHE[key] = items
    return list(_CACHE[key]), releases


def data_versions(releases: list[KnowledgeBaseRelease]) -> dict[str, str]:
    """``{name: version}`` of releases, for the analyze JSON's ``data_versions``."""
    return {release.name: release.version for release in releases}


def _item(r: EvidenceRecord, source: Source) -> EvidenceItem:
    return EvidenceItem(
        source=source,
        source_id=r.source_id,
        biomarker=Biomarker(
            gene=r.gene,
            kind=r.kind,
            grain=r.grain,
            protein_change=r.protein_change or None,
            codon=r.codon,
            exon=r.exon,
            exon_change=r.exon_change or None,
            partner=r.partner or None,
            status=r.status or None,
            threshold=r.threshold,
            requires_oncogenic=r.requires_oncogenic,
        ),
        tumor_type=r.tumor_type or None,
        source_tumor_term=r.source_tumor_term,
        therapy=r.therapy,
        drugs=tuple(r.drugs),
        direction=r.direction,
        evidence_type=r.evidence_type,
        level_source=r.level_source,
        level=r.level,
        escat=r.escat,
        fda_approved=r.fda_approved,
        ema_approved=r.ema_approved,
        citations=tuple(r.citations),
        statement=r.statement,
        excluded_tumor_types=tuple(r.excluded_tumor_types),
        preferred=r.preferred,
        requires=tuple(r.requires),
    )


@dataclass(frozen=True)
class RankingKnowledge:
    """What one analysis ranks against, and the releases it records as provenance."""

    evidence: tuple[EvidenceItem, ...]
    oncotree: OncoTree
    versions: dict[str, str]
    releases: tuple[KnowledgeBaseRelease, ...]


def knowledge_for_ranking() -> RankingKnowledge:
    """The current releases' evidence (research-only sources when the site enabled them).

    OncoTree's hierarchy comes from the bundled release the ``oncotree`` row records.
    """
    items, releases = evidence_for_ranking(
        include_research_only=settings.DART_KB_INCLUDE_RESEARCH_ONLY
    )
    return RankingKnowledge(
        evidence=tuple(items),
        oncotree=oncotree.bundled(),
        versions=data_versions(releases),
        releases=tuple(releases),
    )


def knowledge_genes() -> frozenset[str]:
    """Genes the knowledge base holds evidence for (bundled core table when nothing is loaded)."""
    items, _ = evidence_for_ranking(include_research_only=settings.DART_KB_INCLUDE_RESEARCH_ONLY)
    if not items:
        from genomics.kb import curated

        _, items = curated.load()
    return frozenset(item.biomarker.gene for item in items)
