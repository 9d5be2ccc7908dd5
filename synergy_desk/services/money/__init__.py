"""Money: season tickets, credit notes, how an incident is funded, and payments.

Imports point one way: tickets -> credit_notes -> funding -> payments.
"""

__all__: list[str] = []
