"""The line under a form or beside a button that says what was refused, or a quiet note.

A refusal from a service (a :class:`~synergy_desk.domain.errors.DomainError`) is said in the
line, in the error colour, where the person is looking; anything else is a bug and goes to
the one display (``errors.show_error``: the crash dialog and the log). That split is
:meth:`MessageLine.failure`, made to be handed to :func:`~synergy_desk.ui.operations.
reporting_errors` or :meth:`~synergy_desk.ui.operations.Op.failure`::

    with reporting_errors(self, failure=self.message.failure) as outcome:
        catalogue.update_product(actor, product_id, active=False)

    Op(self, self._background, send).success(done).failure(self.status.failure).run()
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from synergy_desk.domain.errors import DomainError
from synergy_desk.ui import errors, palette

__all__ = ["MessageLine"]


class MessageLine(QLabel):
    """A word-wrapped label with a stable object name that says problems and notes.

    Args:
        name: the object name (tests and style sheets find the line by it).
        colour: the colour of text set on it directly, before any problem or note.
        refused: says a refusal its own way (a form points at the field to put right);
            by default the refusal's message is shown as a :meth:`problem`.
        crash_text: what the line says when something unexpected went wrong and the crash
            dialog is shown ("" leaves the line as it was).
    """

    def __init__(self, name: str, parent: QWidget | None = None, *,
                 colour: palette.Colour = palette.ERROR,
                 refused: Callable[[DomainError], object] | None = None,
                 crash_text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setStyleSheet(colour.text_style())
        self._refused = refused
        self._crash_text = crash_text

    def problem(self, text: str, *, bold: bool = False) -> None:
        """Say what is wrong or refused, in the error colour."""
        self.note(text, palette.ERROR, bold=bold)

    def note(self, text: str, colour: palette.Colour = palette.MUTED, *,
             bold: bool = False) -> None:
        """Say something that is not a problem: a hint, progress, what was done."""
        self.setStyleSheet(colour.text_style() + (" font-weight:600;" if bold else ""))
        self.setText(text)
        self._make_room()

    def _make_room(self) -> None:
        """A longer message wraps onto more lines: the window it is in grows to show them all
        (it never shrinks, so it does not jump as messages come and go)."""
        window = self.window()
        layout = window.layout() if window is not self else None
        if layout is None or not window.isVisible():
            return
        layout.activate()
        width = window.width()
        needed = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if needed > window.height():
            window.resize(width, needed)

    def failure(self, exc: Exception) -> None:
        """A refusal is said here; anything else goes to the one display."""
        if isinstance(exc, DomainError):
            if self._refused is not None:
                self._refused(exc)
            else:
                self.problem(exc.message)
            return
        if self._crash_text:
            self.problem(self._crash_text)
        errors.show_error(self.window(), exc)
