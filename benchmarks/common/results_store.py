# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The one results store of every benchmark: a CSV of finished runs.

Each finished run is appended at once, as one whole line under an
exclusive lock, so a killed benchmark loses at most the runs in flight and
a rerun skips what is stored. A torn line (what a crash or a full disk
leaves mid-write) is detected when the store is read or appended to,
reported with file and line number, moved to ``<csv>.rejected`` and dropped
from the store (the run is redone). :class:`WorkDirLock` keeps a second
benchmark process off the same work dir.
"""
import csv
import fcntl
import io
import os
import os.path as osp
import socket
import time
import warnings
from typing import Dict, List, Optional, Sequence


class ResultsStoreError(RuntimeError):
    """A results file that cannot be used as it is (e.g. another header)."""


class ResultsStore:
    """Rows of finished runs, keyed by some of their columns.

    Args:
        path (str): The CSV file (created with a header on first write).
        fields (Sequence[str]): Its columns.
        key (Sequence[str]): Columns that identify a run.
        numeric (Sequence[str]): Columns that must parse as numbers (empty
            allowed); a row where one does not is a torn row. Defaults to
            none.
    """

    def __init__(self, path: str, fields: Sequence[str],
                 key: Sequence[str], numeric: Sequence[str] = ()) -> None:
        self.path, self.fields, self.key = path, list(fields), list(key)
        self.numeric = list(numeric)
        # A separate lock file: healing replaces the CSV's inode.
        self.lock_path = osp.join(osp.dirname(osp.abspath(path)),
                                  f'.{osp.basename(path)}.lock')

    def _locked(self):
        os.makedirs(osp.dirname(self.lock_path), exist_ok=True)
        lock = open(self.lock_path, 'a')
        fcntl.flock(lock, fcntl.LOCK_EX)
        return lock

    # -- reading -------------------------------------------------------
    def _bad(self, values: List[str], text: str,
             fields: List[str]) -> Optional[str]:
        """Why a parsed line is not a valid row (None: it is)."""
        if not text.endswith('\n'):
            return 'the line is incomplete (no line end)'
        if len(values) != len(fields):
            return (f'{len(values)} values where the header has '
                    f'{len(fields)}')
        for field, value in zip(fields, values):
            if field in self.numeric and value != '':
                try:
                    float(value)
                except ValueError:
                    return f'{field}={value!r} is not a number'
        return None

    def _parse(self, text: str):
        """(rows, rejected [(line number, line, reason)])."""
        lines = text.splitlines(keepends=True)
        if not lines:
            return [], []
        header = next(csv.reader([lines[0]]))
        if header != self.fields:
            raise ResultsStoreError(
                f'{self.path}: the header is {header}, expected '
                f'{self.fields}. It belongs to another version of the '
                'benchmark: move it away (or migrate it) and rerun.')
        rows, rejected = [], []
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            values = next(csv.reader([line]), [])
            reason = self._bad(values, line, self.fields)
            if reason:
                rejected.append((number, line, reason))
            else:
                rows.append(dict(zip(self.fields, values)))
        return rows, rejected

    def _heal(self) -> List[Dict[str, str]]:
        """Read the file (locked by the caller); drop torn lines (reported,
        kept in ``.rejected``) by rewriting it atomically."""
        if not osp.isfile(self.path):
            return []
        with open(self.path, newline='') as f:
            text = f.read()
        rows, rejected = self._parse(text)
        if rejected:
            with open(self.path + '.rejected', 'a') as bad:
                for number, line, _ in rejected:
                    bad.write(line if line.endswith('\n') else line + '\n')
            where = '; '.join(f'line {n}: {why}' for n, _, why in rejected)
            warnings.warn(
                f'{self.path}: dropped {len(rejected)} torn row(s) ({where});'
                f' they are kept in {self.path}.rejected and their runs '
                'will be redone.', stacklevel=3)
            self._rewrite(rows)
        return rows

    def _rewrite(self, rows: List[dict]) -> None:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, self.fields, lineterminator='\n')
        writer.writeheader()
        writer.writerows(rows)
        tmp = f'{self.path}.partial-{os.getpid()}'
        with open(tmp, 'w', newline='') as out:
            out.write(buf.getvalue())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)

    def rows(self) -> List[Dict[str, str]]:
        """The valid rows (torn ones are reported and dropped)."""
        if not osp.isfile(self.path):
            return []
        with self._locked():
            return self._heal()

    def _key(self, row: dict) -> tuple:
        return tuple(str(row[k]) for k in self.key)

    def done(self) -> set:
        return {self._key(row) for row in self.rows()}

    def has(self, **key) -> bool:
        return self._key(key) in self.done()

    # -- writing -------------------------------------------------------
    def append(self, row: dict) -> None:
        """Add one finished run: one whole line, written with one call
        under an exclusive lock, after healing a torn tail."""
        unknown = set(row) - set(self.fields)
        if unknown:
            raise ValueError(f'{self.path}: row has columns {sorted(unknown)}'
                             f' outside {self.fields}.')
        with self._locked():
            self._heal()
            buf = io.StringIO()
            writer = csv.DictWriter(buf, self.fields, lineterminator='\n')
            if not osp.isfile(self.path) or not osp.getsize(self.path):
                writer.writeheader()
            writer.writerow({k: row.get(k, '') for k in self.fields})
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                         0o644)
            try:
                os.write(fd, buf.getvalue().encode())
                os.fsync(fd)
            finally:
                os.close(fd)


class WorkDirLock:
    """One benchmark process per work dir.

    The lock file ``<work_dir>/.lock`` holds the owner's PID, host and start
    time and is ``flock``-ed while the owner runs: the kernel releases it
    when the process dies, so a lock left by a killed run is stale and is
    taken over (with a note), while a live one is refused naming its PID.

    Args:
        work_dir (str): The benchmark's work dir.
        what (str): Named in the refusal. Defaults to 'benchmark'.
    """

    def __init__(self, work_dir: str, what: str = 'benchmark') -> None:
        self.path = osp.join(work_dir, '.lock')
        self.what, self._file = what, None

    def acquire(self) -> 'WorkDirLock':
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        f = open(self.path, 'a+')
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            owner = f.read().strip() or 'unknown'
            f.close()
            raise RuntimeError(
                f'Another {self.what} is running on this work dir '
                f'({owner}; lock file {self.path}). Wait for it to finish, '
                'or pass another --work-dir. Two processes on one work dir '
                'would duplicate rows and delete each other\'s run folders.'
            ) from None
        f.seek(0)
        previous = f.read().strip()
        if previous:
            print(f'Note: taking over a stale lock ({previous}); that '
                  'process is no longer running.', flush=True)
        f.seek(0)
        f.truncate()
        f.write(f'PID {os.getpid()} on {socket.gethostname()}, started '
                f'{time.strftime("%Y-%m-%d %H:%M:%S")}\n')
        f.flush()
        self._file = f
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> 'WorkDirLock':
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
