"""Security and compliance records: MLPS grading and filing, assessments, crypto assessments, findings and
rectification, risks, and the government's security policy (the settings the rules leave open)."""

from .assessments import Assessment, CryptoAssessment, CryptoItemResult
from .findings import Finding, ScannerMapping
from .grading import ExpertOpinion, Grading
from .policy import SecurityPolicy
from .ranking import RankedSystem
from .risks import Risk

__all__ = [
    "Assessment",
    "CryptoAssessment",
    "CryptoItemResult",
    "ExpertOpinion",
    "Finding",
    "Grading",
    "RankedSystem",
    "Risk",
    "ScannerMapping",
    "SecurityPolicy",
]
