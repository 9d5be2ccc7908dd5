"""The office: its settings and prices, its clock, its details as documents print them,
e-mail, and the token that tells the window another desk saved something.
"""

__all__: list[str] = []
