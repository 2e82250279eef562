# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""One benchmark run: a config, trained through MMEngine's Runner (with a
progress bar and the one validation-curve recorder), then evaluated on
the splits asked for."""
import copy
import json
import os.path as osp
import shutil
import time
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner, TestLoop
from tqdm import tqdm

from mmrazor_dccd.engine.fileio import atomic_write

# The repository root: configs/ and docs/ are read from it.
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CURVE_FILE = 'curve.json'  # in a run's work dir (CurveHook)


class ProgressHook(Hook):
    """A tqdm bar over the training iterations of one run."""

    priority = 'VERY_LOW'

    def __init__(self, desc: str, position: int = 1) -> None:
        self.desc, self.position, self.bar = desc, position, None

    def before_train(self, runner) -> None:
        self.bar = tqdm(total=runner.max_iters, desc=self.desc,
                        position=self.position, leave=False, unit='it',
                        dynamic_ncols=True)
        self.bar.update(runner.iter)

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        self.bar.update(1)
        if outputs:
            loss = sum(float(torch.as_tensor(v).detach())
                       for k, v in outputs.items() if 'loss' in k)
            self.bar.set_postfix(loss=f'{loss:.3f}')

    def after_train(self, runner) -> None:
        self.bar.close()


def set_options(cfg: Config, options: dict) -> Config:
    """Apply ``{'a.b.c': value}`` overrides in place.

    A dict value *replaces* the node (``merge_from_dict`` would merge it
    into what is there, e.g. into a loss the config sets to None); other
    values merge as with ``--cfg-options``.
    """
    for key, value in copy.deepcopy(dict(options)).items():
        if isinstance(value, dict):
            *parents, last = key.split('.')
            node = cfg
            for parent in parents:
                node = node[parent]
            node[last] = value
        else:
            cfg.merge_from_dict({key: value})
    return cfg


class CurveHook(Hook):
    """The one curve recorder: the metrics of every validation during
    training, and the seconds spent in training iterations only.

    Args:
        path (str, optional): Also keep the curve there, as JSON, after
            every validation (:func:`read_curve` reads it back). Defaults
            to None.
    """

    priority = 'VERY_LOW'

    def __init__(self, path: Optional[str] = None) -> None:
        self.path, self.seconds, self.curve = path, 0.0, []
        self._start = 0.0

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        self.seconds += time.perf_counter() - self._start

    def after_val_epoch(self, runner, metrics=None) -> None:
        self.curve.append((runner.iter, dict(metrics or {})))
        if self.path:
            atomic_write(json.dumps(self.curve, default=float), self.path)


def read_curve(work_dir: str) -> List[Tuple[int, float]]:
    """(iteration, top-1) of every validation during training, as the
    :class:`CurveHook` of :func:`train_and_evaluate` kept it in
    ``<work_dir>/curve.json`` (the student's, for distillation)."""
    path = osp.join(work_dir, CURVE_FILE)
    if not osp.isfile(path):
        return []
    with open(path) as f:
        curve = json.load(f)
    return [(step, metrics[key]) for step, metrics in curve
            for key in ('accuracy/top1', 'student.accuracy/top1')
            if key in metrics]


def train_and_evaluate(cfg: Config,
                       splits: Sequence[str] = ('test', ),
                       desc: str = 'train',
                       fresh: bool = True) -> Tuple[Dict[str, float], float]:
    """Train ``cfg`` and return ``({split: top-1}, training seconds)``.

    Each split is evaluated with the config's ``<split>_dataloader`` and
    ``<split>_evaluator`` (the student, for distillation algorithms).

    Args:
        cfg (Config): A complete training config with ``work_dir``.
        splits (Sequence[str]): Evaluated after training, e.g. ``('val',)``
            while choosing hyper-parameters, ``('val', 'test')`` for the
            final table. Defaults to ('test',).
        desc (str): Progress bar label. Defaults to 'train'.
        fresh (bool): Delete the work dir first (a killed run restarts
            from scratch). Defaults to True.
    """
    if fresh and osp.isdir(cfg.work_dir):
        shutil.rmtree(cfg.work_dir)
    runner = Runner.from_cfg(cfg)
    runner.register_hook(ProgressHook(desc))
    runner.register_hook(CurveHook(osp.join(cfg.work_dir, CURVE_FILE)))
    start = time.time()
    runner.train()
    seconds = time.time() - start
    metrics = {}
    for split in splits:
        loop = TestLoop(runner, cfg[f'{split}_dataloader'],
                        cfg[f'{split}_evaluator'])
        metrics[split] = float(loop.run()['accuracy/top1'])
    return metrics, seconds
