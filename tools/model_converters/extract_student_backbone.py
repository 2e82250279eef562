# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Extract the distilled student's backbone for MMDetection.

    python tools/model_converters/extract_student_backbone.py \
        work_dirs/dccd_.../iter_600.pth checkpoints/dccd_student_backbone.pth \
        --config configs/detection/mnist/<detector config>.py

The output holds ``state_dict`` with keys relative to the backbone, for
``backbone=dict(..., init_cfg=dict(type='Pretrained', checkpoint=OUT))``.
With ``--config`` the weights are first loaded with ``strict=True`` into the
module of that config the prefix names: the backbone (``model.backbone``,
or ``model.architecture.backbone`` for a distillation config) for
``architecture.backbone.`` / ``backbone.``, the whole student model for
``architecture.`` (for that, ``distill_to_student.py`` is the tool); any
missing or unexpected key stops the conversion with the list of keys. The
output is written atomically (nothing is left behind on failure) and never
over the input.
"""
import argparse

from mmengine.registry import MODELS, init_default_scope

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
from mmrazor.utils import register_all_modules
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.checkpoint import (STUDENT_BACKBONE,
                                            check_output_path,
                                            convert_student_backbone)
from mmrazor_dccd.utils.dependencies import require_mmdet


def parse_args():
    parser = argparse.ArgumentParser(
        description='Extract the student backbone of a distillation '
        'checkpoint')
    parser.add_argument('src', help='DCCD / MMRazor distillation checkpoint')
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--prefix',
        default=STUDENT_BACKBONE,
        help="sub-module to extract (default: %(default)s; 'backbone.' for "
        "a plain classifier or detector, 'teacher.backbone.' for the "
        'teacher)')
    parser.add_argument(
        '--config',
        help='config whose module named by --prefix (its backbone, or the '
        "whole model for 'architecture.') must load the weights with "
        'strict=True (checked before anything is written)')
    return parser.parse_args()


def build_target(config: str, prefix: str = STUDENT_BACKBONE):
    """The module of ``config`` that ``prefix`` names, without init.

    ``architecture.`` / ``teacher.`` pick the student / teacher of a
    distillation config (a plain config is taken as the student); what
    follows is ``backbone.`` (its backbone) or nothing (the whole model).
    """
    cfg = load_config(config)
    scope = cfg.get('default_scope', 'mmdet')
    if scope == 'mmdet':
        require_mmdet('extract_student_backbone.py --config')
    register_all_modules(False)
    init_default_scope(scope)
    model = cfg.model
    part = prefix if prefix.endswith('.') else prefix + '.'
    for name in ('architecture.', 'teacher.'):
        if part.startswith(name):
            part = part[len(name):]
            key = name[:-1]
            if key in model:
                model = model[key]
            elif key == 'teacher':
                raise KeyError(f'{config} has no model.teacher for the '
                               f'prefix {prefix!r}.')
            break
    else:  # a plain prefix ('backbone.') on a distillation config
        if 'architecture' in model and 'backbone' not in model:
            model = model.architecture
    if part == '.':
        part = ''
    if part not in ('', 'backbone.'):
        raise ValueError(f'--config checks the prefixes [architecture.|'
                         f'teacher.][backbone.]; got {prefix!r}.')
    if part:
        if 'backbone' not in model:
            raise KeyError(f'{config} has no model.backbone (nor '
                           'model.architecture.backbone) to check against.')
        model = model.backbone
    model = model.copy()
    model.pop('init_cfg', None)
    model.pop('pretrained', None)
    return MODELS.build(model)


def main():
    args = parse_args()
    check_output_path(args.src, args.dst)  # before the slow backbone build
    backbone = build_target(args.config, args.prefix) if args.config else None
    weights = convert_student_backbone(args.src, args.dst, args.prefix,
                                       backbone)
    checked = f', loads strictly into {type(backbone).__name__}' \
        if backbone is not None else ''
    print(f'{len(weights)} tensors under {args.prefix!r} -> {args.dst}'
          f'{checked}')


if __name__ == '__main__':
    main()
