"""satupintu: online applications, evidence uploads and multi-level approvals."""

__version__ = "0.1.0"
