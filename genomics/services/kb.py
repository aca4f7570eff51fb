"""Load knowledge-base releases into the database: one atomic transaction per source."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from genomics.io.errors import InputError
from genomics.kb import cgi, civic, curated, moalmanac, oncotree
from genomics.kb.schema import EvidenceItem, Source
from genomics.models.kb import EvidenceRecord, KnowledgeBaseRelease

BATCH = 2000


def _load_oncotree(path: Path) -> tuple[Source, list[EvidenceItem]]:
    source, _tree = oncotree.load(path)
    return source, []


#: Loader key → (loader, default path or None when the user must give one).
LOADERS: dict[str, tuple[Callable[[Path], tuple[Source, list[EvidenceItem]]], Path | None]] = {
    "curated": (curated.load, curated.DEFAULT_PATH),
    "oncotree": (_load_oncotree, oncotree.BUNDLED_PATH),
    "moalmanac": (moalmanac.load, None),
    "civic": (civic.load, None),
    "cgi": (lambda path: cgi.load(path, research_only=True), None),
}
RESEARCH_ONLY = frozenset({"cgi"})
BUNDLED = ("curated", "oncotree")


def checksum_of(path: Path) -> str:
    """SHA-256 over a file, or over a directory's files (sorted names and contents)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def kb_release_load(
    *, source: str, path: str | Path | None = None, user=None, allow_research_only: bool = False
) -> KnowledgeBaseRelease:
    """Load one source's release and make it current; returns the release row.

    Raises ``InputError`` (nothing stored, other sources untouched) on a broken file, an
    unknown source, or a research-only source without ``allow_research_only``. Loading the
    same files again returns the current release unchanged.
    """
    if source not in LOADERS:
        raise InputError(
            f"unknown knowledge-base source {source!r} (known: {', '.join(sorted(LOADERS))})",
            filename=str(path or source),
        )
    loader, default = LOADERS[source]
    if source in RESEARCH_ONLY and not allow_research_only:
        raise InputError(
            f"{source} is licensed for research use only; switch it on explicitly",
            filename=str(path or source),
        )
    target = Path(path) if path else default
    if target is None:
        raise InputError(
            f"{source} is not bundled with DART: give the path of your download", filename=source
        )
    if not target.exists():
        raise InputError("the file or directory does not exist", filename=str(target))
    checksum = checksum_of(target)
    current = KnowledgeBaseRelease.objects.filter(source=source, is_current=True).first()
    if current is not None and current.checksum == checksum:
        return current
    meta, items = loader(target)  # parse fully before touching the database
    with transaction.atomic():
        KnowledgeBaseRelease.objects.filter(source=source, is_current=True).update(is_current=False)
        release = KnowledgeBaseRelease.objects.create(
            source=source,
            name=meta.name,
            version=meta.version,
            checksum=checksum,
            licence=meta.licence,
            url=meta.url,
            research_only=meta.research_only,
            item_count=len(items),
            is_current=True,
            loaded_at=timezone.now(),
            loaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        for start in range(0, len(items), BATCH):
            EvidenceRecord.objects.bulk_create(
                [_record(release, item) for item in items[start : start + BATCH]]
            )
        _audit(user, release)
    return release


def kb_bundled_ensure(*, user=None) -> list[KnowledgeBaseRelease]:
    """Load the sources shipped with DART (curated core, OncoTree) unless already current."""
    return [kb_release_load(source=source, user=user) for source in BUNDLED]


def _record(release: KnowledgeBaseRelease, item: EvidenceItem) -> EvidenceRecord:
    b = item.biomarker
    return EvidenceRecord(
        release=release,
        source_id=item.source_id,
        gene=b.gene,
        kind=b.kind,
        grain=b.grain,
        protein_change=b.protein_change or "",
        codon=b.codon,
        exon=b.exon,
        exon_change=b.exon_change or "",
        partner=b.partner or "",
        status=b.status or "",
        threshold=b.threshold,
        requires_oncogenic=b.requires_oncogenic,
        tumor_type=item.tumor_type or "",
        source_tumor_term=item.source_tumor_term[:300],
        excluded_tumor_types=list(item.excluded_tumor_types),
        therapy=item.therapy[:300],
        drugs=list(item.drugs),
        direction=item.direction,
        evidence_type=item.evidence_type,
        level_source=item.level_source[:200],
        level=item.level,
        escat=item.escat,
        fda_approved=item.fda_approved,
        ema_approved=item.ema_approved,
        preferred=item.preferred,
        citations=list(item.citations),
        statement=item.statement,
        requires=list(item.requires),
    )


def _audit(user, release: KnowledgeBaseRelease) -> None:
    from core.services.audit import audit_record

    if not getattr(user, "is_authenticated", False):
        return  # command-line loads without a user are recorded by loaded_at only
    audit_record(
        actor=user,
        action="create",
        obj=release,
        summary=f"Loaded knowledge base {release.name} {release.version} "
        f"({release.item_count} items)",
        data={"source": release.source, "checksum": release.checksum},
    )


__all__ = ["LOADERS", "checksum_of", "kb_bundled_ensure", "kb_release_load"]
