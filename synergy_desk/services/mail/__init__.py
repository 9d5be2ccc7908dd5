"""E-mail: the support mailbox read onto incidents' timelines or into triage, and the replies
and documents the office sends, through an outbox that retries."""

__all__: list[str] = []
