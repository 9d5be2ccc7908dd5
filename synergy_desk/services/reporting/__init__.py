"""Reporting: the manager's reports, the audit log, the integrity check, and the documents
(receipts, credit notes, statements, summaries) built from their numbers.
"""

__all__: list[str] = []
