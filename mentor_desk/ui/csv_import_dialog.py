"""The CSV import dialog: pick an HR export, see how it reads, map its columns, import.

The file is read once for the preview (encoding and delimiter detected and
shown); each column gets a combo box prefilled from its header's synonyms;
Import runs ``services.import_participants_csv`` in one transaction with a
progress bar and Cancel. The work stays on the GUI thread (the program file's
connection and writer lock belong to it) and keeps the window alive by
processing events at every progress step. Bad rows are listed by line and
nothing is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentor_desk import participants_csv as pcsv
from mentor_desk import services
from mentor_desk.errors import DocumentError, KnownError
from mentor_desk.store.database import ProgramFile
from mentor_desk.ui import dialogs

NOT_IMPORTED = "(not imported)"
PREVIEW_ROWS = 200
CSV_FILTER = "CSV files (*.csv *.txt *.tsv);;All files (*)"


def choose_file(parent: QWidget | None) -> str | None:
    """Ask for the CSV file to import (tests replace this)."""
    return dialogs.open_file_name(parent, "Import participants from CSV", CSV_FILTER)


class PreviewModel(QAbstractTableModel):
    """The first rows of a CSV file, one column per file column.

    Headers read "file header -> field" so the mapping is visible in the table;
    the vertical header gives each row's line in the file. Cells are plain text.
    """

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._headers: list[str] = []
        self._rows: list[tuple[int, list[str]]] = []
        self._mapping: dict[int, str | None] = {}

    def set_table(self, table: pcsv.CsvTable | None, mapping: dict[int, str | None]) -> None:
        self.beginResetModel()
        self._headers = list(table.headers) if table else []
        self._rows = list(table.rows[:PREVIEW_ROWS]) if table else []
        self._mapping = dict(mapping)
        self.endResetModel()

    def set_mapping(self, mapping: dict[int, str | None]) -> None:
        self._mapping = dict(mapping)
        if self._headers:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        cells = self._rows[index.row()][1]
        text = cells[index.column()] if index.column() < len(cells) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        return text or None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            if 0 <= section < len(self._rows):
                return str(self._rows[section][0])
            return None
        if not 0 <= section < len(self._headers):
            return None
        target = self._mapping.get(section)
        label = pcsv.FIELD_LABELS[target] if target else NOT_IMPORTED
        return f"{self._headers[section]} \u2192 {label}"


class CsvImportDialog(QDialog):
    """Import participants from a CSV file into one program.

    Attributes:
        result_info: the ``services.ImportResult`` once an import succeeded, else None.
        table: the file as read for the preview (``participants_csv.CsvTable``), or None.
        combos: one combo box per file column (its field, or "(not imported)").
    """

    def __init__(self, pf: ProgramFile, program_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.pf = pf
        self.program_id = program_id
        self.result_info: services.ImportResult | None = None
        self.table: pcsv.CsvTable | None = None
        self.data: bytes | None = None
        self.path: Path | None = None
        self.combos: list[QComboBox] = []
        self._running = False
        self._cancel = False
        self.setWindowTitle("Import participants from CSV")

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        file_label = QLabel("&File:")
        file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setAccessibleName("File")
        file_label.setBuddy(self.file_edit)
        self.choose_button = QPushButton("&Choose file\u2026")
        self.choose_button.clicked.connect(self.choose)
        row.addWidget(file_label)
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)

        self.info = QLabel("Choose the CSV file exported from your HR system.")
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setWordWrap(True)
        self.info.setAccessibleName("File details")
        layout.addWidget(self.info)

        mapping_title = QLabel("Columns and the participant field each fills:")
        mapping_title.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(mapping_title)
        self.mapping_area = QScrollArea()
        self.mapping_area.setWidgetResizable(True)
        self.mapping_area.setMaximumHeight(180)
        self.mapping_widget = QWidget()
        self.mapping_grid = QGridLayout(self.mapping_widget)
        self.mapping_area.setWidget(self.mapping_widget)
        layout.addWidget(self.mapping_area)

        preview_label = QLabel("&Preview (first rows; the row headers are line numbers):")
        preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_model = PreviewModel(self)
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.preview.setAccessibleName("Preview")
        self.preview.setTabKeyNavigation(False)
        self.preview.setWordWrap(False)
        preview_label.setBuddy(self.preview)
        layout.addWidget(preview_label)
        layout.addWidget(self.preview, 1)

        problems_label = QLabel("Pro&blems:")
        problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_model = QStringListModel(self)
        self.problems = QListView()
        self.problems.setModel(self.problems_model)
        self.problems.setAccessibleName("Problems")
        self.problems.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.problems.setMaximumHeight(140)
        problems_label.setBuddy(self.problems)
        layout.addWidget(problems_label)
        layout.addWidget(self.problems)

        self.progress = QProgressBar()
        self.progress.setRange(0, services.IMPORT_STEPS)
        self.progress.setValue(0)
        self.progress.setAccessibleName("Import progress")
        layout.addWidget(self.progress)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton("&Import")
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.run_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.resize(860, 620)

    # ----- reading the file ------------------------------------------------------

    def choose(self) -> None:
        name = choose_file(self)
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> bool:
        """Read ``path`` for the preview; False (and the reason shown) if it cannot be read."""
        self.file_edit.setText(str(path))
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self._show_unreadable(f"Cannot read {path}: {exc.strerror}")
            return False
        return self.load_data(data, path)

    def load_data(self, data: bytes, path: Path | None = None) -> bool:
        self.path = path
        try:
            table = pcsv.read_table(data)
        except ValueError as exc:
            self._show_unreadable(f"Cannot read the file: {exc}")
            return False
        self.data = data
        self.table = table
        mapping = pcsv.guess_mapping(table.headers)
        self._build_combos(table.headers, mapping)
        self.preview_model.set_table(table, mapping)
        self.preview.resizeColumnsToContents()
        self.info.setText(
            f"Encoding: {table.encoding}    Delimiter: {table.delimiter_name}    "
            f"Rows: {len(table.rows):,}"
        )
        self.progress.setValue(0)
        self._check_mapping()
        return True

    def _show_unreadable(self, message: str) -> None:
        self.table = None
        self.data = None
        self._build_combos([], {})
        self.preview_model.set_table(None, {})
        self.info.setText(message)
        self.problems_model.setStringList([message])
        self.import_button.setEnabled(False)

    def _build_combos(self, headers: list[str], mapping: dict[int, str | None]) -> None:
        while self.mapping_grid.count():
            item = self.mapping_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.combos = []
        for index, header in enumerate(headers):
            label = QLabel(header or f"(column {index + 1})")
            label.setTextFormat(Qt.TextFormat.PlainText)
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for key, text in pcsv.FIELDS:
                combo.addItem(text, key)
            target = mapping.get(index)
            combo.setCurrentIndex(combo.findData(target) if target else 0)
            combo.setAccessibleName(f"Column {header or index + 1}")
            label.setBuddy(combo)
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping_grid.addWidget(label, index // 3, (index % 3) * 2)
            self.mapping_grid.addWidget(combo, index // 3, (index % 3) * 2 + 1)
            self.combos.append(combo)

    # ----- the mapping -----------------------------------------------------------

    def mapping(self) -> dict[int, str | None]:
        """Column index -> participant field, as the combo boxes say."""
        return {i: combo.currentData() for i, combo in enumerate(self.combos)}

    def set_field(self, column: int, field: str | None) -> None:
        """Choose the field a column fills (as picking it in its combo box does)."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(field) if field else 0)

    def _mapping_changed(self) -> None:
        self.preview_model.set_mapping(self.mapping())
        self._check_mapping()

    def _check_mapping(self) -> None:
        if self.table is None:
            return
        problems = pcsv.mapping_problems(self.table.headers, self.mapping())
        self.problems_model.setStringList(problems)
        self.import_button.setEnabled(not problems and not self._running)

    # ----- importing -------------------------------------------------------------

    def run_import(self) -> bool:
        """Import with the current mapping; True when the participants were stored."""
        if self.data is None or self._running:
            return False
        self._running = True
        self._cancel = False
        self._set_busy(True)
        self.problems_model.setStringList([])
        self.progress.setValue(0)
        try:
            self.result_info = services.import_participants_csv(
                self.pf,
                program_id=self.program_id,
                path=self.path,
                data=self.data,
                mapping=self.mapping(),
                progress=self._progress,
                cancelled=lambda: self._cancel,
            )
        except services.ImportCancelled as exc:
            self.progress.setValue(0)
            self.problems_model.setStringList([str(exc)])
            return False
        except DocumentError as exc:
            self.progress.setValue(0)
            self.problems_model.setStringList([exc.summary, *exc.problems])
            return False
        except KnownError as exc:
            self.progress.setValue(0)
            self.problems_model.setStringList([str(exc)])
            dialogs.show_error(self, str(exc))
            return False
        finally:
            self._running = False
            self._set_busy(False)
        info = self.result_info
        dialogs.show_info(
            self,
            f"Added {info.added:,} and updated {info.updated:,} participants "
            f"({info.encoding}, {info.delimiter_name}).",
            "Participants imported",
        )
        self.accept()
        return True

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(done)
        QApplication.processEvents()

    def _set_busy(self, busy: bool) -> None:
        self.choose_button.setEnabled(not busy)
        self.mapping_widget.setEnabled(not busy)
        ready = self.table is not None and not pcsv.mapping_problems(
            self.table.headers, self.mapping()
        )
        self.import_button.setEnabled(ready and not busy)

    def cancel(self) -> None:
        """Stop a running import (nothing is written), else close the dialog."""
        if self._running:
            self._cancel = True
        else:
            self.reject()

    def reject(self) -> None:  # Escape and the close button
        if self._running:
            self._cancel = True
            return
        super().reject()
