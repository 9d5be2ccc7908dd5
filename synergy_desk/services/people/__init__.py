"""People: customers and their contacts, users and roles, and one's own account.
"""

__all__: list[str] = []
