"""The dialog a form is built on: its message line, OK and Cancel, and the answer it gives.

A form dialog is filled in and accepted. Accepting asks two hooks: :meth:`FormDialog.validate`
for what can be told from the form alone, and :meth:`FormDialog.answer` for the value the
dialog gives (which may call a service). Either raises a domain error to refuse: its message
is shown in the dialog's message line, in the error colour, the cursor goes where the problem
is, and the dialog stays open for it to be put right. Anything else that goes wrong is a bug
and goes to the crash dialog, the dialog staying open. Enter presses the default button and
Escape cancels, as in any dialog.

Each dialog keeps its typed class-method entry point, written with :meth:`FormDialog.ask_value`::

    @classmethod
    def ask(cls, parent: QWidget | None, detail: IncidentDetail) -> MergeRequest | None:
        return cls(parent, detail).ask_value()
"""

from __future__ import annotations

import html
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.ui import palette
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import reporting_errors

__all__ = ["FormDialog", "Problem", "payer_heading"]

R = TypeVar("R")

Buttons = QDialogButtonBox.StandardButton


class Problem(ValidationError):
    """What stops a form being accepted, and the box to put right (it gets the focus)."""

    def __init__(self, message: str, widget: QWidget | None = None) -> None:
        super().__init__(message)
        self.widget = widget


class FormDialog(QDialog, Generic[R]):
    """A message line (``message``, a :class:`MessageLine`), a button box (``buttons``) and a
    checked, typed answer.

    A subclass builds its fields, then places ``self.message`` and ``self.buttons`` in its
    layout (usually last, with :meth:`add_message_and_buttons`), and implements
    :meth:`answer` (and :meth:`validate` where the form has rules of its own).
    """

    def __init__(self, parent: QWidget | None, *, message_name: str,
                 buttons: QDialogButtonBox.StandardButton = Buttons.Ok | Buttons.Cancel
                 ) -> None:
        super().__init__(parent)
        #: The answer, once the dialog has been accepted.
        self.value: R | None = None
        #: Where a refusal is said (and, with ``note``, anything else worth saying).
        self.message = MessageLine(message_name, refused=self.problem_raised)
        self.buttons = QDialogButtonBox(buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        accepting = self.buttons.button(Buttons.Ok) or self.buttons.button(Buttons.Save)
        assert accepting is not None, "a form dialog has an OK or Save button"
        #: The button that accepts the form (OK or Save).
        self.ok_button: QPushButton = accepting
        #: The box to put right for a service's refusal, by the field the refusal names
        #: (``ValidationError.field``: "reason", "due_at", ...).
        self.fields: dict[str, QWidget] = {}

    def add_message_and_buttons(self, layout: QBoxLayout) -> None:
        """Put the message line and the buttons at the end of a box layout."""
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    # -- the hooks ----------------------------------------------------------------------------

    def validate(self) -> None:
        """Check the form before its answer is made.

        Raises:
            Problem: what is wrong, and where (or any other :class:`DomainError`).
        """

    def answer(self) -> R:
        """The value the dialog gives when accepted; it may call a service.

        Raises:
            DomainError: the form is refused; the message is shown and the dialog stays open.
        """
        raise NotImplementedError

    def problem_raised(self, exc: DomainError) -> None:
        """Show why the form was refused (in the message line, the cursor on the field)."""
        self.show_problem(exc.message, self.focus_for(exc))

    def focus_for(self, exc: DomainError) -> QWidget | None:
        """The field to put right for a refusal: a :class:`Problem` names its own; a
        service's refusal names its field, found in :attr:`fields`."""
        if isinstance(exc, Problem):
            return exc.widget
        return self.fields.get(getattr(exc, "field", None) or "")

    # -- the message line ---------------------------------------------------------------------

    def show_problem(self, text: str, focus: QWidget | None = None) -> None:
        """Say what stops the form, in the error colour; ``focus`` gets the cursor."""
        self.message.problem(text)
        if focus is not None:
            focus.setFocus()
            if isinstance(focus, QLineEdit):
                focus.selectAll()  # typing replaces what was refused

    # -- accepting ----------------------------------------------------------------------------

    def accept(self) -> None:
        """Accept the form if its checks and its answer allow; otherwise say why and stay."""
        # A refusal goes to problem_raised, through the message line; a bug to the crash dialog.
        with reporting_errors(self, failure=self.message.failure) as outcome:
            self.validate()
            value = self.answer()
        if outcome.failed:
            return
        self.value = value
        super().accept()

    def ask_value(self) -> R | None:
        """Show the dialog modally; its answer, or None when cancelled. It is then deleted."""
        try:
            if self.exec() == QDialog.DialogCode.Accepted:
                return self.value
            return None
        finally:
            # Dialogs with a parent would otherwise live as long as the window.
            self.deleteLater()


def payer_heading(summary: Any, name: str) -> tuple[str, QLabel]:
    """Who a money dialog is for ("Harriet Oduya — Oduya Joinery Ltd", the company only when
    it adds to the name) and the heading that shows it with the account code."""
    who = summary.name + (f" — {summary.company}"
                          if summary.company and summary.company != summary.name else "")
    heading = QLabel(f"<span style='font-size:13pt; font-weight:600'>{html.escape(who)}"
                     f"</span> <span style='color:{palette.MUTED.hex()}'>"
                     f"{html.escape(summary.account_code)}</span>")
    heading.setObjectName(name)
    heading.setTextFormat(Qt.TextFormat.RichText)
    return who, heading
