"""Demo data: a realistic office for trying the program and measuring it (not a use case).
"""
