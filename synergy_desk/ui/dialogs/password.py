"""Changing one's own password: the old one, and the new one typed twice."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class ChangePasswordDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(self.tr("Change my password"))
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for w, name in ((self.old, "oldPassword"), (self.new, "newPassword"),
                        (self.again, "newPasswordAgain")):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setObjectName(name)
        form = QFormLayout()
        form.addRow(self.tr("&Current password:"), self.old)
        form.addRow(self.tr("&New password:"), self.new)
        form.addRow(self.tr("New password &again:"), self.again)
        self.message = QLabel()
        self.message.setStyleSheet("color:#a61b1b;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _on_buttons_accepted(self) -> None:
        if len(self.new.text()) < 8:
            self.message.setText(self.tr("The new password needs at least 8 characters."))
            return
        if self.new.text() != self.again.text():
            self.message.setText(self.tr("The two new passwords are not the same."))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> tuple[str, str] | None:
        dialog = cls(parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.old.text(), dialog.new.text()
            return None
        finally:
            # Dialogs with a parent would otherwise live as long as the window.
            dialog.deleteLater()
