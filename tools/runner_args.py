# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Command-line options shared by ``tools/train.py`` and ``tools/test.py``.

Both tools apply them the same way, in one order: ``--cfg-options`` first,
then ``--work-dir``, then the model keys are checked, so a misspelt key is
reported wherever it was written (config file or command line): a misspelt
argument otherwise surfaces as Python's ``TypeError: ... __init__() got an
unexpected keyword argument``, often naming a base class (``BaseDistiller``
for a typo in ``DCCDDistiller``) and never the right key.
"""
import argparse
import difflib
import inspect
import logging
import os
import os.path as osp
from typing import List, Optional, Set

from mmengine.config import Config, DictAction
from mmengine.device import (is_cuda_available, is_mlu_available,
                             is_musa_available, is_npu_available)
from mmengine.logging import print_log

import mmrazor_dccd  # noqa: F401  (compat layer before MMRazor)
from mmrazor.registry import MODELS


def accepted_args(cls: type) -> Optional[Set[str]]:
    """Keyword arguments ``cls(...)`` accepts, following ``**kwargs`` up the
    MRO; None when they cannot be known (``**kwargs`` that go elsewhere)."""
    names: Set[str] = set()
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters.values()
        names |= {p.name for p in params if p.kind in (
            p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {'self'}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names
        try:  # **kwargs forwarded somewhere other than super(): unknown
            if 'super().__init__(' not in inspect.getsource(klass.__init__):
                return None
        except (OSError, TypeError):
            return None
    return None


def unknown_keys(cfg: dict, where: str = 'model',
                 scope: str = 'mmrazor') -> List[str]:
    """One message per unknown key in a model config and its sub-configs."""
    errors = []
    if not isinstance(cfg, dict):
        return errors
    scope = cfg.get('_scope_', scope)
    type_ = cfg.get('type')
    cls = None
    if isinstance(type_, str):
        cls = MODELS.get(type_ if '.' in type_ else f'{scope}.{type_}')
    elif isinstance(type_, type):
        cls = type_
    # Builder functions (e.g. MMRazor's PrunedStaticModel) are not checked.
    allowed = accepted_args(cls) if inspect.isclass(cls) else None
    for key, value in cfg.items():
        if allowed is not None and key not in allowed and key not in (
                'type', '_scope_'):
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ''
            errors.append(
                f"{where}.{key}: {cls.__name__} has no argument '{key}'; "
                f"{hint}it accepts {', '.join(sorted(allowed))}.")
        # MMRazor's ``dict(type=..., default_args=...)`` is not a kwargs dict.
        if isinstance(value, dict) and 'default_args' not in value:
            errors += unknown_keys(value, f'{where}.{key}', scope)
    return errors


def check_model_keys(cfg) -> None:
    """Raise ``TypeError`` naming every misspelt key of ``cfg.model``.

    Args:
        cfg (Config): A full config; only ``cfg.model`` is checked.
    """
    errors = unknown_keys(cfg.get('model', {}))
    if errors:
        raise TypeError('Unknown config key(s):\n  ' + '\n  '.join(errors) +
                        '\nFix the key(s) in the config or --cfg-options.')


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
