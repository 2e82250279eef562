# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""One benchmark run: a config, trained through MMEngine's Runner, then
evaluated on the splits asked for."""
import copy
import json
import os
import os.path as osp
import shutil
import time
from typing import Dict, List, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner, TestLoop
from tqdm import tqdm

# The repository root: configs/ and docs/ are read from it.
REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


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


def read_curve(work_dir: str) -> List[Tuple[int, float]]:
    """(iteration, top-1) of every validation during training, from
    MMEngine's ``scalars.json`` (the student's, for distillation)."""
    curve = []
    for root, _, files in sorted(os.walk(work_dir)):
        if 'scalars.json' not in files:
            continue
        with open(osp.join(root, 'scalars.json')) as f:
            for line in f:
                row = json.loads(line)
                for key in ('accuracy/top1', 'student.accuracy/top1'):
                    if key in row:
                        curve.append((row['step'], row[key]))
    return curve


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
    start = time.time()
    runner.train()
    seconds = time.time() - start
    metrics = {}
    for split in splits:
        loop = TestLoop(runner, cfg[f'{split}_dataloader'],
                        cfg[f'{split}_evaluator'])
        metrics[split] = float(loop.run()['accuracy/top1'])
    return metrics, seconds
