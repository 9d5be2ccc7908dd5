"""The in-app PDF preview: a rendered document with Print, Save as PDF and E-mail.

Pages are shown by Qt PDF (the PySide6 "Pdf" add-on: QPdfDocument and QPdfView). Printing
renders each page into an image at the printer's resolution (at most 300 dpi) and paints it
onto the QPrinter the desktop's print dialog set up; the page's words are laid under it as
invisible text, so a print to a PDF file can still be searched and read back. Printing and
e-mailing run on the background helper, so the window never freezes.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QKeySequence,
    QPageSize,
    QPainter,
    QShortcut,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import DomainError
from synergy_desk.services.data.files import save_file
from synergy_desk.ui import palette
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import Op, reporting_errors
from synergy_desk.ui.worker import Background

log = logging.getLogger(__name__)

#: Pages are rasterised for the printer at its resolution, but never finer than this.
MAX_PRINT_DPI = 300
_ZOOM_STEP = 1.2
_text_family: str | None = None
# A preview opened without a parent window has nothing else holding it: Python would delete
# it as soon as the caller let go. It is kept here until it is closed.
_unparented: set[PdfPreviewDialog] = set()


class PrintError(DomainError):
    """The document could not be printed; nothing half-printed is left behind on purpose."""

    title = "Could not print"


# --- printing ---------------------------------------------------------------------------------

def text_layer_family() -> str:
    """The font family of the invisible text layer: the documents' own DejaVu Sans.

    Registered once, on the GUI thread, before the first print job starts.
    """
    global _text_family
    if _text_family is None:
        from synergy_desk.documents.fonts import font_bytes

        family = ""
        font_id = QFontDatabase.addApplicationFontFromData(QByteArray(font_bytes("DejaVuSans.ttf")))
        if font_id >= 0:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else ""
        _text_family = family or QFont().family()
    return _text_family


def _load(pdf_bytes: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over the bytes (the buffer must outlive the document)."""
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf_bytes))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise PrintError(f"The document could not be read for printing ({document.error().name}).")
    return document, buffer


def _pages_to_print(printer: QPrinter, count: int) -> list[int]:
    """Zero-based page numbers, honouring a page range chosen in the print dialog."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(count, printer.toPage() or count)
        return list(range(first - 1, last))
    return list(range(count))


def _paint_text_layer(painter: QPainter, document: QPdfDocument, page: int, scale: float,
                      origin: QPointF, family: str) -> None:
    """Lay the page's words, invisible, where they are printed (so the output has text)."""
    text = document.getAllText(page).text()
    if not text:
        return
    font = QFont(family)
    painter.setPen(Qt.GlobalColor.transparent)

    def draw(words: str, box: QRectF) -> None:
        if box.isEmpty() or not words.strip():
            return
        font.setPixelSize(max(1, round(box.height() * scale * 0.8)))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        width = metrics.horizontalAdvance(words)
        painter.save()
        painter.translate(origin.x() + box.left() * scale,
                          origin.y() + box.bottom() * scale - metrics.descent())
        if width > 0:
            painter.scale(box.width() * scale / width, 1.0)
        painter.drawText(QPointF(0, 0), words)
        painter.restore()

    # A line that is one run on the page is laid as one string (so its spaces survive); a
    # line of table cells far apart is laid word by word.
    for line in re.finditer(r"[^\r\n]+", text):
        selection = document.getSelectionAtIndex(page, line.start(), len(line.group()))
        bounds = selection.bounds()
        if len(bounds) == 1:
            draw(line.group(), bounds[0].boundingRect())
            continue
        for word in re.finditer(r"\S+", line.group()):
            piece = document.getSelectionAtIndex(page, line.start() + word.start(),
                                                 len(word.group()))
            draw(word.group(), piece.boundingRectangle())


def paint_pdf(printer: QPrinter, pdf_bytes: bytes, *, max_dpi: int = MAX_PRINT_DPI,
              text_family: str | None = None) -> int:
    """Print the PDF's pages onto a printer the caller has set up; returns the pages printed.

    May run on a worker thread (Qt paints on a QPrinter from any one thread at a time); call
    :func:`text_layer_family` on the GUI thread first and pass its answer.

    Raises:
        PrintError: the PDF cannot be read, or the printer cannot be started.
    """
    family = text_family or QFont().family()
    document, buffer = _load(pdf_bytes)
    try:
        pages = _pages_to_print(printer, document.pageCount())
        if not pages:
            raise PrintError("The page range chosen has no pages of this document.")
        # The document has its own margins; the paper's corner is the page's corner.
        printer.setFullPage(True)
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError("The printer could not be started; check it is switched on and "
                             "try again.")
        printed = 0
        try:
            for _copy in range(copies):
                for page in pages:
                    if printed and not printer.newPage():
                        raise PrintError("The printer stopped taking pages.")
                    _paint_page(painter, document, page, printer.resolution(), max_dpi, family)
                    printed += 1
        finally:
            painter.end()
        return printed
    finally:
        document.close()
        buffer.close()


def _paint_page(painter: QPainter, document: QPdfDocument, page: int, device_dpi: int,
                max_dpi: int, family: str) -> None:
    size = document.pagePointSize(page)
    area = painter.viewport()
    scale = min(area.width() / size.width(), area.height() / size.height())
    origin = QPointF((area.width() - size.width() * scale) / 2,
                     (area.height() - size.height() * scale) / 2)
    target = QRectF(origin.x(), origin.y(), size.width() * scale, size.height() * scale)
    dpi = min(max_dpi, max(72, device_dpi))
    pixels = QSize(max(1, round(size.width() * dpi / 72)), max(1, round(size.height() * dpi / 72)))
    image = document.render(page, pixels)
    if image.isNull():
        raise PrintError(f"Page {page + 1} could not be rendered for printing.")
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    # Qt PDF leaves the paper transparent; a printer's paper is white.
    painter.fillRect(target, palette.PAPER.qcolor())
    painter.drawImage(target, image)
    painter.restore()
    _paint_text_layer(painter, document, page, scale, origin, family)


def pdf_printer(path: str | os.PathLike[str]) -> QPrinter:
    """A QPrinter that prints to a PDF file (A4), as "Print to file" does."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(os.fspath(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    return printer


def print_pdf_to_file(pdf_bytes: bytes, path: str | os.PathLike[str]) -> int:
    """Print the PDF through QPrinter into a PDF file (on this thread); returns pages printed."""
    return paint_pdf(pdf_printer(path), pdf_bytes, text_family=text_layer_family())


# --- the dialog ------------------------------------------------------------------------------

class PdfPreviewDialog(QDialog):
    """One document on screen with Print (Ctrl+P), Save as PDF (Ctrl+S) and E-mail (Ctrl+E)."""

    printed = Signal(int)  # pages printed
    saved = Signal(str)  # the path written
    emailed = Signal(str)  # the address sent to
    failed = Signal(str)  # a message already shown in the dialog

    def __init__(self, parent: QWidget | None, pdf: bytes, *, title: str, filename: str,
                 background: Background, email_to: str = "", email_subject: str = "",
                 email_body: str = "", email_enabled: bool | None = None,
                 send: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        #: How the document is e-mailed to an address (on the worker thread); by default
        #: straight through the mail server, with nothing kept.
        self._send = send
        self.setObjectName("pdfPreview")
        self.setWindowTitle(title)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.pdf = pdf
        self.filename = filename
        self._background = background
        self._email_subject = email_subject or title
        self._email_body = email_body

        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.print_button = self._button("pdfPrintButton", self.tr("&Print…"),
                                         self.tr("Print on a printer (Ctrl+P)"),
                                         self._on_print_clicked)
        self.save_button = self._button("pdfSaveButton", self.tr("&Save as PDF…"),
                                        self.tr("Save the PDF file (Ctrl+S)"),
                                        self._on_save_clicked)
        self.email_button = self._button("pdfEmailButton", self.tr("&E-mail…"),
                                         self.tr("E-mail the PDF (Ctrl+E)"),
                                         self._on_email_clicked)
        self.close_button = self._button("pdfCloseButton", self.tr("&Close"),
                                         self.tr("Close the preview (Esc)"), self.reject)
        zoom_out = self._button("pdfZoomOut", "−", self.tr("Zoom out (Ctrl+-)"),
                                self._zoom_out)
        zoom_in = self._button("pdfZoomIn", "+", self.tr("Zoom in (Ctrl++)"),
                               self._zoom_in)
        fit = self._button("pdfFitWidth", self.tr("&Fit width"),
                           self.tr("Fit the page to the window (Ctrl+0)"), self._fit_width)
        for b in (zoom_out, zoom_in):
            b.setFixedWidth(32)
        pages = self.document.pageCount()
        self.page_label = QLabel(self.tr("1 page") if pages == 1
                                 else self.tr("%d pages") % pages)
        self.page_label.setObjectName("pdfPages")
        self.page_label.setStyleSheet(palette.MUTED.text_style())

        if email_enabled is None:
            email_enabled = self._smtp_configured()
        self.email_button.setEnabled(email_enabled)
        if not email_enabled:
            self.email_button.setToolTip(self.tr(
                "A manager can set a mail server in the office settings to e-mail documents."))

        top = QHBoxLayout()
        top.setSpacing(6)
        for b in (self.print_button, self.save_button, self.email_button):
            top.addWidget(b)
        top.addSpacing(12)
        top.addWidget(zoom_out)
        top.addWidget(zoom_in)
        top.addWidget(fit)
        top.addSpacing(8)
        top.addWidget(self.page_label)
        top.addStretch(1)
        top.addWidget(self.close_button)

        # The e-mail bar opens under the buttons: the address, prefilled with the customer's.
        self.email_bar = QFrame()
        self.email_bar.setObjectName("pdfEmailBar")
        self.email_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.email_to = QLineEdit(email_to)
        self.email_to.setObjectName("emailTo")
        self.email_to.setPlaceholderText(self.tr("customer@example.co.uk"))
        self.email_to.returnPressed.connect(self._on_send_clicked)
        self.send_button = QPushButton(self.tr("Se&nd"))
        self.send_button.setObjectName("emailSendButton")
        self.send_button.setAutoDefault(False)
        self.send_button.clicked.connect(self._on_send_clicked)
        to_label = QLabel(self.tr("&To:"))
        to_label.setBuddy(self.email_to)
        bar = QHBoxLayout(self.email_bar)
        bar.setContentsMargins(8, 4, 8, 4)
        bar.addWidget(to_label)
        bar.addWidget(self.email_to, 1)
        bar.addWidget(self.send_button)
        self.email_bar.hide()

        self.status = MessageLine(
            "pdfStatus", crash_text=self.tr("Something went wrong; the details are in the log "
                                            "file."))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.email_bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self,
                  activated=self._on_print_clicked)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self,
                  activated=self._on_save_clicked)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self._on_email_clicked)
        QShortcut(QKeySequence(QKeySequence.StandardKey.ZoomIn), self,
                  activated=self._zoom_in)
        QShortcut(QKeySequence("Ctrl+="), self, activated=self._zoom_in)
        QShortcut(QKeySequence(QKeySequence.StandardKey.ZoomOut), self,
                  activated=self._zoom_out)
        QShortcut(QKeySequence("Ctrl+0"), self, activated=self._fit_width)
        self.resize(820, 960)
        self.view.setFocus()

    def _button(self, name: str, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _smtp_configured(self) -> bool:
        def unreadable(exc: Exception) -> None:
            # Without the settings there is simply no e-mail.
            log.error("Could not read the mail settings", exc_info=exc)

        with reporting_errors(self, failure=unreadable):
            from synergy_desk.services.office import mailer

            return mailer.smtp_configured()
        return False

    @classmethod
    def open_document(cls, parent: QWidget | None, background: Background, pdf: bytes, *,
                      title: str, filename: str, email_to: str = "", email_subject: str = "",
                      email_body: str = "",
                      send: Callable[[str], object] | None = None) -> PdfPreviewDialog:
        """Show a document without blocking: the desk goes on working while it is open."""
        dialog = cls(parent, pdf, title=title, filename=filename, background=background,
                     email_to=email_to, email_subject=email_subject, email_body=email_body,
                     send=send)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if parent is None:
            _unparented.add(dialog)
            dialog.finished.connect(dialog._on_finished_release)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_finished_release(self, _result: int) -> None:
        # Let go once the event loop is back, not in the middle of the dialog's own close.
        QTimer.singleShot(0, partial(_unparented.discard, self))

    # -- status -------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        if error:
            self.status.problem(text)
            self.failed.emit(text)
        else:
            self.status.note(text, palette.SUCCESS)

    def _fail(self, exc: Exception) -> None:
        self.status.failure(exc)
        self.failed.emit(self.status.text())

    # -- zoom ---------------------------------------------------------------------------------

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(5.0, self.view.zoomFactor() * factor)))

    def _zoom_in(self) -> None:
        self._zoom(_ZOOM_STEP)

    def _zoom_out(self) -> None:
        self._zoom(1 / _ZOOM_STEP)

    def _fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    # -- printing -----------------------------------------------------------------------------

    def choose_printer(self) -> QPrinter | None:
        """The desktop's print dialog; None when cancelled (tests replace this)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print %s") % self.windowTitle())
        dialog.setMinMax(1, max(1, self.document.pageCount()))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return printer

    def _on_print_clicked(self) -> None:
        if not self.print_button.isEnabled():
            return  # printing already
        printer = self.choose_printer()
        if printer is not None:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print on the background's PDF thread; ``printed`` or ``failed`` says how it went."""
        family = text_layer_family()
        pdf = self.pdf
        self.print_button.setEnabled(False)
        self._say(self.tr("Printing…"))

        def done(pages: object) -> None:
            count = int(pages) if isinstance(pages, int) else 0
            self._say(self.tr("Sent 1 page to the printer.") if count == 1
                      else self.tr("Sent %d pages to the printer.") % count)
            self.printed.emit(count)

        # The printer travels with the job, so it lives until the job is done.
        Op(self, self._background, lambda: paint_pdf(printer, pdf, text_family=family)) \
            .finally_(lambda: self.print_button.setEnabled(True)) \
            .success(done).failure(self._fail).run(pdf=True)

    # -- saving -------------------------------------------------------------------------------

    def choose_save_path(self) -> str | None:
        """The desktop's save dialog; None when cancelled (tests replace this)."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save as PDF"), str(Path(folder) / self.filename),
            self.tr("PDF files (*.pdf)"))
        return path or None

    def _on_save_clicked(self) -> None:
        path = self.choose_save_path()
        if path:
            self.save_to(path)

    def save_to(self, path: str | os.PathLike[str]) -> bool:
        """Write the PDF's bytes to the file; says so, or says why not."""
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            save_file(target, self.pdf)
        except DomainError as exc:  # said in the preview's status line, beside the buttons
            self._say(exc.message, error=True)
            return False
        self._say(self.tr("Saved %s.") % target)
        self.saved.emit(str(target))
        return True

    # -- e-mail -------------------------------------------------------------------------------

    def _on_email_clicked(self) -> None:
        if not self.email_button.isEnabled():
            return
        self.email_bar.show()
        self.email_to.setFocus()
        self.email_to.selectAll()

    def _on_send_clicked(self) -> None:
        if not self.send_button.isEnabled():
            return  # sending already
        to = self.email_to.text().strip()
        if not to:
            self._say(self.tr("Type the address to send it to."), error=True)
            self.email_to.setFocus()
            return
        from synergy_desk.services.office import mailer

        subject, body, filename, pdf = self._email_subject, self._email_body, self.filename, \
            self.pdf
        self.send_button.setEnabled(False)
        self._say(self.tr("Sending to %s…") % to)

        def done(_result: object) -> None:
            self.email_bar.hide()
            self._say(self.tr("E-mailed to %s.") % to)
            self.emailed.emit(to)

        def failed(exc: Exception) -> None:
            self._fail(exc)
            self.email_to.setFocus()

        send = self._send
        Op(self, self._background,
           (lambda: send(to)) if send is not None
           else (lambda: mailer.send_document(to, subject, body, filename, pdf))) \
            .finally_(lambda: self.send_button.setEnabled(True)) \
            .success(done).failure(failed).run()
