"""The use cases: one function per thing a person does, each one transaction; no Qt."""

__all__: list[str] = []
