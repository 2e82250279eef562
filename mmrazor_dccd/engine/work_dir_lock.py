# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""One training process per work dir.

Two ``tools/train.py`` on one work dir (a second sweep of the same config:
the default work dir is named after it) replace each other's checkpoints
and config dump, and both exit 0. :class:`WorkDirLock` holds
``<work_dir>/.train.lock`` with ``flock`` while the owner runs; the kernel
releases it when the process dies, so a lock left by a killed run is taken
over and a live one is refused, naming its PID and the fix.
"""
import os
import os.path as osp
import socket
import time

try:
    import fcntl
except ImportError:  # Windows: no flock; the lock is not taken there
    fcntl = None

LOCK_FILE = '.train.lock'


class WorkDirLock:
    """An exclusive lock on a work dir, held until :meth:`release` or the
    process ends.

    Args:
        work_dir (str): The folder to lock; created if needed.
        what (str): Names the owner in the refusal. Defaults to
            'tools/train.py'.
    """

    def __init__(self, work_dir: str, what: str = 'tools/train.py') -> None:
        self.work_dir = work_dir
        self.path = osp.join(work_dir, LOCK_FILE)
        self.what, self._file = what, None

    def acquire(self) -> 'WorkDirLock':
        """Take the lock.

        Raises:
            RuntimeError: Another live process holds it; the message names
                its PID, the lock file and the fix (another ``--work-dir``).
        """
        if fcntl is None:
            return self
        os.makedirs(self.work_dir, exist_ok=True)
        f = open(self.path, 'a+')
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            owner = f.read().strip() or 'PID unknown'
            f.close()
            raise RuntimeError(
                f'Another {self.what} is running on the work dir '
                f'{self.work_dir!r} ({owner}; lock file {self.path}): two '
                "runs on one work dir overwrite each other's checkpoints "
                'and config dump. Fix: pass another --work-dir (e.g. '
                f'--work-dir {self.work_dir.rstrip("/")}_2), or wait for '
                'that process to finish.') from None
        f.seek(0)
        f.truncate()
        f.write(f'PID {os.getpid()} on {socket.gethostname()}, started '
                f'{time.strftime("%Y-%m-%d %H:%M:%S")}\n')
        f.flush()
        self._file = f
        return self

    def release(self) -> None:
        """Give the lock up (also done by the kernel at process exit)."""
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
