# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""One run of a benchmark, as data: schedule, images per step, seed, data
subset and validation timing; :func:`apply_run_spec` writes it into a
config. Every benchmark (MNIST, Fashion-MNIST, pruning) builds its runs
through it, so "the same budget" means the same code."""
import copy
import time
from dataclasses import dataclass
from typing import Optional

from mmengine.config import Config


@dataclass
class RunSpec:
    """The budget and data of one training run.

    Args:
        iters (int): Training iterations.
        batch (int): Images forwarded per step. A multi-view DCCD model
            gets ``batch // num_views`` images of ``num_views`` views each,
            so every method sees the same number of forwarded images.
        seed (int): ``randomness.seed``. Defaults to 0.
        num_per_class (int, optional): Training images per class (the
            dataset's class-balanced subset); None keeps the config's.
        val_images (int, optional): First N images of the validation split;
            None for all.
        test_images (int, optional): First N test images; None for all.
        val_every (int, optional): Validate every N iterations during
            training. None: ``max_iters + 1``, i.e. only the validation
            MMEngine runs after the last iteration whatever the interval
            (the benchmarks score their splits after training). Defaults to
            None.
        val_begin (int, optional): First iteration that may validate; past
            ``iters`` turns validation during training off. None keeps
            the config's. Defaults to None.
        log_every (int, optional): Logger interval. Defaults to a quarter
            of the run.
        save_last (bool): Keep MMEngine's ``save_last`` checkpoint
            behaviour. Defaults to True.
    """
    iters: int
    batch: int
    seed: int = 0
    num_per_class: Optional[int] = None
    val_images: Optional[int] = None
    test_images: Optional[int] = None
    val_every: Optional[int] = None
    val_begin: Optional[int] = None
    log_every: Optional[int] = None
    save_last: bool = True

    def replace(self, **changes) -> 'RunSpec':
        """A copy with some fields changed."""
        new = copy.copy(self)
        for key, value in changes.items():
            if not hasattr(new, key):
                raise AttributeError(f'RunSpec has no field {key!r}.')
            setattr(new, key, value)
        return new


def num_views(cfg: Config) -> int:
    """Views per image the config's model trains on (``model.num_views`` of
    DCCD's algorithms, else 1)."""
    return cfg.model.get('num_views', 1)


def train_dataset_key(cfg: Config) -> str:
    """Where the training dataset's own options live (CRD wraps it)."""
    key = 'train_dataloader.dataset'
    if cfg.train_dataloader.dataset.type.endswith('CRDDataset'):
        key += '.dataset'
    return key


def apply_run_spec(cfg: Config, spec: RunSpec, work_dir: str,
                   name: Optional[str] = None) -> Config:
    """Write ``spec`` into ``cfg`` (in place) and set its work dir.

    Args:
        cfg (Config): A complete training config.
        spec (RunSpec): The run's budget and data.
        work_dir (str): The run's folder.
        name (str, optional): Sets ``experiment_name`` (a unique log
            folder name) to ``<name>_<time ns>``. Defaults to None
            (MMEngine's timestamp).

    Returns:
        Config: ``cfg``.
    """
    options = {
        f'{train_dataset_key(cfg)}.num_per_class': spec.num_per_class,
        'train_dataloader.batch_size': spec.batch // num_views(cfg),
        'train_cfg.max_iters': spec.iters,
        'default_hooks.checkpoint.interval': spec.iters,
        'default_hooks.logger.interval': spec.log_every or max(
            spec.iters // 4, 1),
        'val_dataloader.dataset.indices': spec.val_images,
        'test_dataloader.dataset.indices': spec.test_images,
        'randomness.seed': spec.seed,
        'log_level': 'WARNING',
    }
    options['train_cfg.val_interval'] = spec.val_every or spec.iters + 1
    if spec.val_begin is not None:
        options['train_cfg.val_begin'] = spec.val_begin
    if not spec.save_last:
        options['default_hooks.checkpoint.save_last'] = False
    if cfg.param_scheduler.get('type') == 'CosineAnnealingLR':
        options['param_scheduler.T_max'] = spec.iters
    cfg.merge_from_dict(options)
    cfg.work_dir = work_dir
    if name is not None:
        cfg.experiment_name = f'{name}_{time.time_ns()}'
    return cfg
