# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Print a model's candidate feature layers with their output shapes.

    python tools/analysis/list_layers.py CONFIG [--input-shape 1 3 224 224]
        [--depth 3] [--role student|teacher|model]

CONFIG is a distillation config (``model.architecture`` is the student,
``model.teacher`` the teacher: both are listed) or a plain model config.
Each line is a module name to put into ``DCCDDistiller(feature_layers=...)``,
its type, what it returned on one forward of zeros of ``--input-shape``
(defaults to the distiller's ``demo_input``, else ``(1, C, 224, 224)`` with
the input channels of the first convolution) and how DCCD reads it: ``map``
(B, C, H, W), ``pooled`` (B, C), ``tokens`` (B, N, C), or ``tuple``: set
``data_idx`` to the entry. Detectors run ``extract_feat`` (backbone and
neck: a head needs image metas). Nothing is downloaded: ``init_cfg`` and
``pretrained`` are not applied (no ``init_weights``).
"""
import argparse
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.analysis import build_model
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.models.distillers.feature_shapes import (default_demo_input,
                                                           describe)


def kind_of(output) -> str:
    """How DCCD reads an output (``-`` where it cannot)."""
    if isinstance(output, (tuple, list)):
        return 'tuple: set data_idx'
    if not isinstance(output, torch.Tensor):
        return '-'
    return {2: 'pooled', 3: 'tokens', 4: 'map'}.get(output.dim(), '-')


def list_layers(model: nn.Module, input_shape: Optional[Sequence[int]] = None,
                depth: int = 3) -> List[Tuple[str, str, str, str]]:
    """(name, type, output, kind) of every module at most ``depth`` dots
    deep that ran on one forward of zeros of ``input_shape``, in call
    order."""
    shape = tuple(input_shape or default_demo_input(model))
    rows, hooks = [], []
    for name, module in model.named_modules():
        if name and name.count('.') < depth:
            hooks.append(module.register_forward_hook(
                lambda mod, args, out, name=name: rows.append(
                    (name, type(mod).__name__, describe(out),
                     kind_of(out)))))
    try:
        with torch.no_grad():
            model.eval()
            demo = torch.zeros(shape)
            if any(hasattr(model, head) for head in ('bbox_head',
                                                     'rpn_head')):
                model.extract_feat(demo)
            else:
                model(demo, mode='tensor')
    finally:
        for hook in hooks:
            hook.remove()
    seen, unique = set(), []
    for row in rows:  # a module called twice is listed once
        if row[0] not in seen:
            seen.add(row[0])
            unique.append(row)
    return unique


def models_of(cfg, role: Optional[str] = None) -> List[Tuple[str, dict]]:
    """(role, model config) of a distillation config's student and teacher,
    or the model of a plain config."""
    model = cfg.model
    if 'architecture' in model and 'teacher' in model:
        found = [('student', model.architecture), ('teacher', model.teacher)]
    else:
        found = [('model', model)]
    return [(who, m) for who, m in found if role in (None, who)]


def format_rows(rows: List[Tuple[str, str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return '\n'.join(
        f'{n:<{widths[0]}}  {t:<{widths[1]}}  {o:<{widths[2]}}  {k}'
        for n, t, o, k in rows)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--input-shape', type=int, nargs='+',
                        help='e.g. 1 3 224 224 (default: the distiller\'s '
                        'demo_input, else (1, C, 224, 224))')
    parser.add_argument('--depth', type=int, default=3,
                        help='list modules at most this many dots deep '
                        '(default: 3)')
    parser.add_argument('--role', choices=('student', 'teacher', 'model'),
                        help='only this model (default: all)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config)
    shape = args.input_shape or cfg.model.get('distiller', {}).get(
        'demo_input')
    for who, model_cfg in models_of(cfg, args.role):
        model = build_model(model_cfg)
        rows = list_layers(model, shape, args.depth)
        print(f'# {who}: {type(model).__name__}, input '
              f'{tuple(shape or default_demo_input(model))}')
        print(format_rows(rows))


if __name__ == '__main__':
    main()
