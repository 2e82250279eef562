# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Atomic file writes: readers see the whole new file or the old one."""
import os
import os.path as osp
from typing import Union


def atomic_write(data: Union[bytes, str], path: str) -> None:
    """Write ``data`` to ``path`` so that readers see all of it or none.

    The bytes go to a temporary file in the same folder, are flushed to
    disk, and the file is renamed into place (``os.replace`` is atomic on
    POSIX and Windows); a process killed half-way leaves the previous file.

    Args:
        data (bytes | str): The content; ``str`` is written as UTF-8.
        path (str): Target file; its directory is created if needed.
    """
    if isinstance(data, str):
        data = data.encode('utf-8')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.partial-{os.getpid()}'
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
