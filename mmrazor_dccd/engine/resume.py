# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Which checkpoint ``tools/train.py --resume [CKPT]`` resumes from.

MMEngine 0.10.7 resumes from the path written in ``<work_dir>/
last_checkpoint``: an absolute path, so a copied work dir silently resumes
from the original folder's checkpoint and a moved one fails to find it, and
a truncated checkpoint fails deep inside ``torch.load``. Here the name is
resolved in the work dir itself, and a checkpoint that is not complete is
named and replaced by the newest complete one.
"""
import os.path as osp
import warnings
from typing import Optional

from .checkpoint import (CorruptCheckpointError, checkpoint_problem,
                         corrupt_checkpoint_message,
                         newest_complete_checkpoint)


def _recorded(work_dir: str) -> Optional[str]:
    """The checkpoint ``last_checkpoint`` names, found in ``work_dir``."""
    last = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(last):
        return None
    with open(last) as f:
        named = f.read().strip()
    if not named:
        return None
    local = osp.join(work_dir, osp.basename(named))
    if osp.isfile(local):
        # Its own copy, even when the work dir was copied or moved.
        return local
    if osp.isfile(named):
        warnings.warn(f'{last} names {named}, which is not in this work dir; '
                      'resuming from the newest checkpoint of this work dir '
                      'instead (pass --resume CKPT to choose).')
    return None


def resolve_resume(work_dir: str, resume: str = 'auto') -> Optional[str]:
    """The checkpoint to resume from.

    Args:
        work_dir (str): The run's work dir.
        resume (str): ``'auto'`` (``--resume`` without a value): the
            checkpoint ``last_checkpoint`` names, looked up in ``work_dir``,
            else the newest complete ``iter_N``/``epoch_N`` there; a
            truncated one is reported and the newest complete one is used.
            A path: that checkpoint, which must be complete.

    Returns:
        str | None: The checkpoint; None when ``work_dir`` has none (the
        run starts from scratch).

    Raises:
        CorruptCheckpointError: An explicit checkpoint that is not complete
            (the message names the complete one to pass instead).
    """
    if resume != 'auto':
        problem = checkpoint_problem(resume)
        if problem:
            raise CorruptCheckpointError(
                corrupt_checkpoint_message(resume, problem))
        return resume
    chosen = _recorded(work_dir)
    if chosen is not None:
        problem = checkpoint_problem(chosen)
        if problem is None:
            return chosen
        fallback = newest_complete_checkpoint(work_dir, exclude=chosen)
        warnings.warn(
            f'Not resuming from {chosen}: {problem}. '
            + (f'Resuming from {fallback}, the newest complete checkpoint in '
               'the work dir.' if fallback else
               'No complete checkpoint in the work dir: training starts '
               'from scratch.'))
        return fallback
    return newest_complete_checkpoint(work_dir)
