# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A CSV of finished runs that several processes append to; reruns skip
what is in it, so a killed benchmark loses at most the runs in flight."""
import csv
import fcntl
import os
import os.path as osp
from typing import Dict, List, Sequence


class ResultsStore:
    """Rows of finished runs, keyed by some of their columns.

    Args:
        path (str): The CSV file (created with a header on first write).
        fields (Sequence[str]): Its columns.
        key (Sequence[str]): Columns that identify a run.
    """

    def __init__(self, path: str, fields: Sequence[str],
                 key: Sequence[str]) -> None:
        self.path, self.fields, self.key = path, list(fields), list(key)

    def rows(self) -> List[Dict[str, str]]:
        if not osp.isfile(self.path):
            return []
        with open(self.path, newline='') as f:
            return list(csv.DictReader(f))

    def _key(self, row: dict) -> tuple:
        return tuple(str(row[k]) for k in self.key)

    def done(self) -> set:
        return {self._key(row) for row in self.rows()}

    def has(self, **key) -> bool:
        return self._key(key) in self.done()

    def append(self, row: dict) -> None:
        """Add one finished run (whole lines, under an exclusive lock)."""
        os.makedirs(osp.dirname(osp.abspath(self.path)), exist_ok=True)
        with open(self.path, 'a', newline='') as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                writer = csv.DictWriter(f, self.fields)
                if f.tell() == 0:
                    writer.writeheader()
                writer.writerow({k: row.get(k, '') for k in self.fields})
                f.flush()
                os.fsync(f.fileno())
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
