# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The one atomic file writer: readers see the whole new file or the old one.

Checkpoints (:class:`~mmrazor_dccd.engine.AtomicLocalBackend`,
:func:`~mmrazor_dccd.engine.checkpoint.save_atomic`), the decompressed data
sets and the benchmarks' results all go through :func:`atomic_file`.
"""
import glob
import os
import os.path as osp
import re
import uuid
from contextlib import contextmanager
from typing import BinaryIO, Iterator, List, Union

# Temporary files are named ``<target>.partial-<pid>-<id>``; a writer killed
# half-way leaves one behind (AtomicCheckpointHook removes them).
PARTIAL = '.partial-'
_WRITER = re.compile(re.escape(PARTIAL) + r'(\d+)')


def _alive(pid: int) -> bool:
    if pid == os.getpid():  # nothing of this process is being written
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_dead_partials(folder: str) -> List[str]:
    """Remove the temporary files in ``folder`` whose writer is dead.

    A partial file of a live process (another run's checkpoint in flight)
    is kept; one without a PID in its name is kept too.

    Returns:
        list[str]: The files removed.
    """
    removed = []
    for tmp in glob.glob(osp.join(folder, f'*{PARTIAL}*')):
        match = _WRITER.search(osp.basename(tmp))
        if match and not _alive(int(match.group(1))):
            try:
                os.remove(tmp)
            except FileNotFoundError:  # removed by another cleaner
                continue
            removed.append(tmp)
    return removed


@contextmanager
def atomic_file(path: str) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` only when the block completes.

    The bytes go to a temporary file in the same folder, are flushed to
    disk, and the file is renamed into place (``os.replace`` is atomic on
    POSIX and Windows). An exception in the block (e.g. a failed check of
    the bytes) removes the temporary file and any folder created for
    ``path``, and leaves a previous ``path`` as it was.

    Args:
        path (str): Target file; its folder is created if needed.

    Yields:
        BinaryIO: The temporary file, open for writing.
    """
    parent = osp.dirname(osp.abspath(path))
    created = []  # folders made for ``path``, innermost first
    folder = parent
    while not osp.exists(folder):
        created.append(folder)
        folder = osp.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    tmp = f'{path}{PARTIAL}{os.getpid()}-{uuid.uuid4().hex[:8]}'
    try:
        with open(tmp, 'xb') as f:
            yield f
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        for folder in created:  # only if still empty
            if osp.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)
        raise


def atomic_write(data: Union[bytes, str], path: str) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_file`.

    Args:
        data (bytes | str): The content; ``str`` is written as UTF-8.
        path (str): Target file; its folder is created if needed.
    """
    with atomic_file(path) as f:
        f.write(data.encode('utf-8') if isinstance(data, str) else data)
