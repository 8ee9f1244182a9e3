"""Data for a loss: columns of numbers read from a CSV or ``.npz`` file, a mapping or a DataFrame.

Files are untrusted input. Their work is bounded (at most :data:`MAX_BYTES` of file,
:data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns), ``.npz`` files are read without
pickles, CSV cells must each be one number, and every refusal is one :class:`DataError` naming
the file, the line (or row) and the column, never a traceback.

>>> d = load_data({"x": [1, 2, 3], "y": [2.0, 4.0, 6.5]})
>>> d.n_rows, sorted(d.columns)
(3, ['x', 'y'])
>>> cols, dropped = d.select(["x"], drop_nan=False)
>>> cols["x"].tolist(), dropped
([1.0, 2.0, 3.0], 0)
>>> load_data({"x": [1.0, float("nan")]}).select(["x"], drop_nan=False)
Traceback (most recent call last):
...
gradscape.calculus.data.DataError: the mapping row 2, column 'x': the cell is empty or NaN; \
fill it in, or drop such rows with --drop-nan (drop_nan=True)
"""

from __future__ import annotations

import csv
import io
import math
import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradscape.errors import DomainError

__all__ = ["Dataset", "DataError", "load_data", "MAX_BYTES", "MAX_ROWS", "MAX_COLUMNS"]

MAX_BYTES = 512 << 20
"""The largest data file read (512 MiB)."""
MAX_ROWS = 20_000_000
"""The most rows a dataset may have."""
MAX_COLUMNS = 256
"""The most columns a dataset may have."""
_MISSING = {"", "nan", "na", "n/a", "null", "none"}  # cells read as NaN (missing)


class DataError(DomainError):
    """Data that cannot be used: names the file, the row and the column, and the fix."""


@dataclass(frozen=True)
class Dataset:
    """Named columns of float64 numbers, all of one length, and where they came from.

    ``source`` names the origin in messages (the file name, or "the mapping"); ``lines``
    holds each row's line in a text file (None: rows are counted from 1 instead).
    """

    columns: dict[str, np.ndarray]
    source: str
    lines: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        """The number of rows."""
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def where(self, row: int, column: str | None = None) -> str:
        """``data.csv line 5, column 'x'``: a place in the source, for messages.

        >>> Dataset({"x": np.zeros(3)}, "data.csv", np.array([2, 3, 5])).where(2, "x")
        "data.csv line 5, column 'x'"
        """
        place = (f"{self.source} line {self.lines[row]}" if self.lines is not None
                 else f"{self.source} row {row + 1}")
        return place + (f", column {column!r}" if column is not None else "")

    def select(self, names: Sequence[str], *, drop_nan: bool) -> tuple[dict[str, np.ndarray],
                                                                       int]:
        """The columns ``names`` as contiguous arrays, and how many rows were dropped.

        A row with NaN in one of them is refused (:class:`DataError` naming it) unless
        ``drop_nan``; then every such row is left out. No rows left is refused too.
        """
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise DataError(f"{self.source} has no column {', '.join(map(repr, missing))}; its "
                            f"columns are {', '.join(self.columns) or 'none'}")
        cols = {n: np.ascontiguousarray(self.columns[n], dtype=np.float64) for n in names}
        bad = np.zeros(self.n_rows, dtype=bool)
        for col in cols.values():
            bad |= np.isnan(col)
        dropped = int(bad.sum())
        if dropped and not drop_nan:
            row = int(np.flatnonzero(bad)[0])
            name = next(n for n, c in cols.items() if math.isnan(c[row]))
            raise DataError(f"{self.where(row, name)}: the cell is empty or NaN; fill it in, "
                            "or drop such rows with --drop-nan (drop_nan=True)")
        if dropped:
            cols = {n: np.ascontiguousarray(c[~bad]) for n, c in cols.items()}
        if self.n_rows - dropped == 0:
            raise DataError(f"{self.source} has no rows of data"
                            + (" left once rows with NaN are dropped" if dropped else ""))
        return cols, dropped


def load_data(source: Any) -> Dataset:
    """Read data: a path to a ``.csv`` (header row, then numbers) or ``.npz`` file, a mapping
    of column name to 1-D array, a pandas DataFrame, or a :class:`Dataset` (returned as is).

    >>> load_data({"x": np.arange(4.0)}).columns["x"].tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    if isinstance(source, Dataset):
        return source
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path.lower().endswith(".npz"):
            return _read_npz(path)
        return _read_csv(path)
    if hasattr(source, "columns") and hasattr(source, "to_numpy"):  # a DataFrame
        return _from_mapping({str(c): source[c].to_numpy() for c in source.columns},
                             "the DataFrame")
    if isinstance(source, Mapping):
        return _from_mapping(source, "the mapping")
    raise DataError(f"cannot read data from {type(source).__name__}; give a .csv or .npz path, "
                    "a mapping of column name to array, or a pandas DataFrame")


def _open_bounded(path: str) -> bytes:
    name = os.path.basename(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise DataError(f"{name} is {size / 2**20:.0f} MiB; data files are limited to "
                            f"{MAX_BYTES >> 20} MiB")
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise DataError(f"cannot read data file {name}: {err.strerror or err}") from None


def _read_csv(path: str) -> Dataset:
    name = os.path.basename(path)
    raw = _open_bounded(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(f"{name} is not UTF-8 text (byte {err.start}); save it as CSV "
                        "(UTF-8)") from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        while header is not None and not any(c.strip() for c in header):
            header = next(reader, None)  # blank lines before the header
        if header is None:
            raise DataError(f"{name} is empty; a CSV needs a header row of column names, "
                            "then rows of numbers")
        names = _check_names([c.strip() for c in header], name)
        cells: list[list[str]] = []
        lines: list[int] = []
        for fields in reader:
            if not fields or not any(c.strip() for c in fields):
                continue  # blank lines
            if len(fields) != len(names):
                raise DataError(f"{name} line {reader.line_num} has {len(fields)} cells but "
                                f"the header has {len(names)} columns ({', '.join(names)}); "
                                "every row needs one cell per column")
            cells.append(fields)
            lines.append(reader.line_num)
            if len(cells) > MAX_ROWS:
                raise DataError(f"{name} has more than {MAX_ROWS:,} rows")
    except csv.Error as err:
        raise DataError(f"{name} line {reader.line_num} is not valid CSV: {err}") from None
    if not cells:
        raise DataError(f"{name} has a header row but no rows of data")
    cols = {n: _column([row[j] for row in cells], name, lines, n) for j, n in enumerate(names)}
    return Dataset(cols, name, np.array(lines, dtype=np.int64))


def _column(texts: list[str], file: str, lines: list[int], column: str) -> np.ndarray:
    """A column's cells as floats: NumPy's parser for plain numbers, and cell by cell (to
    name the bad one, or to read missing cells as NaN) when it refuses any."""
    try:
        col = np.array(texts, dtype=np.float64)
        if np.isfinite(col).all():
            return col
    except ValueError:
        pass
    return np.array([_cell(t, file, line, column) for t, line in zip(texts, lines)],
                    dtype=np.float64)


def _cell(cell: str, file: str, line: int, column: str) -> float:
    text = cell.strip()
    if text.lower() in _MISSING:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise DataError(f"{file} line {line}, column {column!r}: {shown!r} is not a number; "
                        "every cell must be one number") from None
    if math.isinf(value):
        raise DataError(f"{file} line {line}, column {column!r}: {text!r} is infinite; data "
                        "must be finite numbers")
    return value


def _check_names(names: list[str], source: str) -> list[str]:
    if len(names) > MAX_COLUMNS:
        raise DataError(f"{source} has {len(names)} columns; at most {MAX_COLUMNS} are read")
    for j, n in enumerate(names):
        if not n:
            raise DataError(f"{source}: column {j + 1} of the header has no name")
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise DataError(f"{source}: the header names column {n!r} twice")
        seen.add(n)
    return names


def _read_npz(path: str) -> Dataset:
    name = os.path.basename(path)
    _open_bounded(path)  # size check (np.load reads lazily)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files[:MAX_COLUMNS + 1]}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise DataError(f"cannot read {name} as .npz (numeric arrays, no pickles): "
                        f"{err}") from None
    return _from_mapping(arrays, name)


def _from_mapping(columns: Mapping[Any, Any], source: str) -> Dataset:
    names = _check_names([str(k) for k in columns], source)
    if not names:
        raise DataError(f"{source} has no columns")
    cols: dict[str, np.ndarray] = {}
    for name, value in zip(names, columns.values()):
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise DataError(f"{source}, column {name!r}: holds {arr.dtype} values, not numbers")
        if arr.ndim != 1:
            raise DataError(f"{source}, column {name!r}: has shape {arr.shape}; each column "
                            "must be 1-D, one number per row")
        if arr.size > MAX_ROWS:
            raise DataError(f"{source}, column {name!r}: more than {MAX_ROWS:,} rows")
        col = arr.astype(np.float64)
        inf = np.flatnonzero(np.isinf(col))
        if inf.size:
            raise DataError(f"{source} row {inf[0] + 1}, column {name!r}: infinite; data "
                            "must be finite numbers")
        cols[name] = col
    lengths = {n: len(c) for n, c in cols.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{n}: {k}" for n, k in lengths.items())
        raise DataError(f"{source}: the columns have different lengths ({shown}); every "
                        "column needs one value per row")
    if not next(iter(lengths.values())):
        raise DataError(f"{source} has no rows of data")
    return Dataset(cols, source)
