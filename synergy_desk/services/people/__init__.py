"""People: customers and their contacts, users and roles, and one's own account.
"""
