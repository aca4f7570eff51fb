from .cases import Case, CaseStatus, Patient, Sample
from .recommendations import Analysis, Recommendation
from .reports import Report, ReportSignOff

__all__ = [
    "Analysis",
    "Case",
    "CaseStatus",
    "Patient",
    "Recommendation",
    "Report",
    "ReportSignOff",
    "Sample",
]
