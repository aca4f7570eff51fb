from .kb import EvidenceRecord, KnowledgeBaseRelease
from .variants import CopyNumberCall, ExpressionValue, FusionCall, Variant

__all__ = [
    "CopyNumberCall",
    "EvidenceRecord",
    "ExpressionValue",
    "FusionCall",
    "KnowledgeBaseRelease",
    "Variant",
]
