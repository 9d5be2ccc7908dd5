"""The office's data as files and databases: backup and restore, moving to PostgreSQL, trying
a database address, CSV import and export, and writing files safely.
"""

__all__: list[str] = []
