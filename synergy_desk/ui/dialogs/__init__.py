"""Dialogs, each with a typed class-method entry point (``Dialog.ask(parent, …)``)."""
