"""The office: its settings and prices, its clock, its details as documents print them,
e-mail, the token that tells the window another desk saved something, and the desks open on it.
"""

__all__: list[str] = []
