# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Helpers shared by the tests (a uniquely named module: several
``conftest.py`` files exist, so ``from conftest import`` is ambiguous)."""
import os
import os.path as osp
import subprocess
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_tool(*args, timeout=900, check=True, env_extra=None, **kwargs):
    """Run ``python tools/...`` from the repository root, like a user."""
    env = dict(os.environ, PYTHONPATH=REPO, **(env_extra or {}))
    proc = subprocess.run([sys.executable, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout,
                          **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(f'{args} failed ({proc.returncode}):\n'
                             f'{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}')
    return proc
