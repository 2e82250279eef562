# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Teachers trained once per setting and cached (atomically)."""
import hashlib
import io
import json
import os.path as osp
from typing import Optional, Sequence, Tuple

import torch
from mmengine.config import Config

from mmrazor_dccd.engine.checkpoint import load_state_dict_file
from mmrazor_dccd.engine.fileio import atomic_write
from mmrazor_dccd.utils.paths import cache_dir
from .runs import read_curve, train_and_evaluate

# What determines a teacher's weights: its key is a hash of these.
KEY_FIELDS = ('model', 'train_dataloader', 'optim_wrapper', 'param_scheduler',
              'train_cfg', 'randomness')


def teacher_key(cfg: Config) -> str:
    src = json.dumps([cfg.get(k) for k in KEY_FIELDS], sort_keys=True,
                     default=str)
    return hashlib.sha1(src.encode()).hexdigest()[:12]


def cached_teacher(cfg: Config,
                   prefix: str,
                   splits: Sequence[str] = ('test', ),
                   folder: Optional[str] = None,
                   shipped: Optional[str] = None,
                   keep: Sequence[int] = ()) -> Tuple[str, dict]:
    """The teacher's weights file and its scores; trained on a cache miss.

    Args:
        cfg (Config): The teacher's training config.
        prefix (str): File name prefix, e.g. ``'fmnist_teacher'``.
        splits (Sequence[str]): Splits scored after training (stored in
            the ``.json`` next to the weights). Defaults to ('test',).
        folder (str, optional): Cache folder. Defaults to
            ``cache_dir('teachers')``.
        shipped (str, optional): A folder of teachers committed with a
            benchmark's results; a file with the same key there is copied
            into the cache instead of training (so a resumed benchmark on a
            new machine distils from the same teacher). Defaults to None.
        keep (Sequence[int]): Also keep the weights of these iterations
            (``<prefix>_<key>_iter<N>.pth``, e.g. an early, weak teacher);
            the config must save a checkpoint at each. Defaults to none.

    Returns:
        tuple: ``(path to a {'state_dict': ...} file, info dict)``.
    """
    folder = folder or cache_dir('teachers')
    ckpt = osp.join(folder, f'{prefix}_{teacher_key(cfg)}.pth')
    meta = ckpt[:-len('.pth')] + '.json'
    kept = [kept_checkpoint(ckpt, n) for n in keep]
    if not osp.isfile(ckpt) and shipped and osp.isfile(
            osp.join(shipped, osp.basename(ckpt))):
        # The weights last: they mark the entry.
        for path in (meta, *kept, ckpt):
            with open(osp.join(shipped, osp.basename(path)), 'rb') as f:
                atomic_write(f.read(), path)
    if osp.isfile(ckpt) and osp.isfile(meta):
        with open(meta) as f:
            return ckpt, json.load(f)
    metrics, seconds = train_and_evaluate(cfg, splits, desc='teacher')
    info = dict(metrics, seconds=seconds, curve=read_curve(cfg.work_dir))
    atomic_write(json.dumps(info), meta)
    for n, path in zip(keep, kept):
        _save_weights(osp.join(cfg.work_dir, f'iter_{n}.pth'), path)
    # The final weights last: never a half-written cache entry.
    _save_weights(osp.join(cfg.work_dir,
                           f'iter_{cfg.train_cfg.max_iters}.pth'), ckpt)
    return ckpt, info


def kept_checkpoint(ckpt: str, iteration: int) -> str:
    """Where :func:`cached_teacher` keeps iteration ``iteration``."""
    return f'{ckpt[:-len(".pth")]}_iter{iteration}.pth'


def _save_weights(src: str, dst: str) -> None:
    state = load_state_dict_file(src)  # the project's safe loader path
    blob = io.BytesIO()
    torch.save({'state_dict': state}, blob)
    atomic_write(blob.getvalue(), dst)
