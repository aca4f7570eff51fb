"""The knowledge base the ranking reads: the bundled curated core and OncoTree, plus every
release a site has loaded with ``kb_load``. Built once per process and rebuilt when the set of
loaded releases changes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from genomics.kb import curated, oncotree
from genomics.kb.oncotree import OncoTree
from genomics.kb.schema import EvidenceItem


@dataclass(frozen=True)
class KnowledgeBase:
    evidence: tuple[EvidenceItem, ...]
    oncotree: OncoTree
    versions: dict[str, str]


@lru_cache(maxsize=1)
def _bundled() -> KnowledgeBase:
    source, items = curated.load()
    tree_source, tree = oncotree.load()
    return KnowledgeBase(
        evidence=tuple(items),
        oncotree=tree,
        versions={source.name: source.version, tree_source.name: tree_source.version},
    )


def knowledge_base_for_ranking() -> KnowledgeBase:
    """Bundled sources plus the site's loaded releases (their evidence and versions)."""
    base = _bundled()
    loaded = _loaded_releases()
    if loaded is None:
        return base
    evidence, versions = loaded
    return KnowledgeBase(
        evidence=base.evidence + tuple(evidence),
        oncotree=base.oncotree,
        versions={**base.versions, **versions},
    )


def _loaded_releases():
    try:
        from genomics.selectors_kb import evidence_for_ranking
    except ImportError:
        return None
    return evidence_for_ranking()
