# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Command-line options shared by ``tools/train.py`` and ``tools/test.py``.

Both tools apply them the same way, in one order: ``--cfg-options`` first,
then ``--work-dir``, then the model keys are checked, so a misspelt key is
reported wherever it was written (config file or command line).
"""
import argparse
import logging
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction
from mmengine.device import (is_cuda_available, is_mlu_available,
                             is_musa_available, is_npu_available)
from mmengine.logging import print_log

from .config_check import check_model_keys


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher``,
    ``--local-rank``."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, xxx=yyy format')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_runner_args(parser: argparse.ArgumentParser,
                      argv=None) -> argparse.Namespace:
    """Parse; export ``LOCAL_RANK`` for launchers that pass
    ``--local-rank`` (MMEngine reads the environment variable)."""
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def apply_runner_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Merge ``--cfg-options``, set the launcher and the work dir (default
    ``./work_dirs/<config name>``), then check the model's keys.

    Args:
        cfg (Config): The loaded config; changed in place.
        args (Namespace): Parsed with :func:`add_runner_args`; ``config``
            is the config path.

    Returns:
        Config: ``cfg``.
    """
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    check_model_keys(cfg)
    return cfg


def _accelerator() -> Optional[str]:
    for name, available in (('cuda', is_cuda_available),
                            ('npu', is_npu_available),
                            ('mlu', is_mlu_available),
                            ('musa', is_musa_available)):
        if available():
            return name
    return None


def enable_amp(cfg: Config) -> None:
    """Switch the config's optimizer wrapper to MMEngine's
    ``AmpOptimWrapper`` (``--amp``).

    Raises:
        RuntimeError: No accelerator: ``AmpOptimWrapper`` needs one.
        ValueError: The wrapper is not a plain ``OptimWrapper``.
    """
    if _accelerator() is None:
        # MMEngine's own refusal is an assertion deep inside the Runner.
        raise RuntimeError(
            '--amp needs a GPU (MMEngine\'s AmpOptimWrapper runs on CUDA, '
            'NPU, MLU or MUSA only); none is available. Drop --amp to train '
            'in fp32 on the CPU.')
    wrapper = cfg.optim_wrapper
    if wrapper.get('type', 'OptimWrapper') == 'AmpOptimWrapper':
        print_log('AMP training is already enabled in your config.',
                  logger='current', level=logging.WARNING)
        return
    if wrapper.get('constructor'):  # per-module wrappers (NAS / pruning)
        wrapper = wrapper.architecture
    if wrapper.get('type', 'OptimWrapper') != 'OptimWrapper':
        raise ValueError('`--amp` needs optim_wrapper.type="OptimWrapper", '
                         f'got {wrapper.type!r}.')
    wrapper.type = 'AmpOptimWrapper'
    wrapper.setdefault('loss_scale', 'dynamic')
