# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Extract the distilled student's backbone for MMDetection.

    python tools/model_converters/extract_student_backbone.py \
        work_dirs/dccd_.../iter_600.pth checkpoints/dccd_student_backbone.pth \
        --config configs/detection/mnist/<detector config>.py

The output holds ``state_dict`` with keys relative to the backbone, for
``backbone=dict(..., init_cfg=dict(type='Pretrained', checkpoint=OUT))``.
With ``--config`` the weights are first loaded with ``strict=True`` into the
backbone that config builds (``model.backbone``, or
``model.architecture.backbone`` for a distillation config); any missing or
unexpected key stops the conversion with the list of keys. The output is
written atomically (nothing is left behind on failure) and never over the
input.
"""
import argparse

from mmengine.registry import init_default_scope

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
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
        help='detection config whose backbone must load the weights with '
        'strict=True (checked before anything is written)')
    return parser.parse_args()


def build_backbone(config: str):
    """The backbone a detection (or distillation) config builds, no init."""
    require_mmdet('extract_student_backbone.py --config')
    from mmdet.registry import MODELS
    cfg = load_config(config)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    model = cfg.model
    if 'backbone' not in model and 'architecture' in model:
        model = model.architecture
    if 'backbone' not in model:
        raise KeyError(f'{config} has no model.backbone (nor '
                       'model.architecture.backbone) to check against.')
    backbone_cfg = model.backbone.copy()
    backbone_cfg.pop('init_cfg', None)
    backbone_cfg.pop('pretrained', None)
    return MODELS.build(backbone_cfg)


def main():
    args = parse_args()
    check_output_path(args.src, args.dst)  # before the slow backbone build
    backbone = build_backbone(args.config) if args.config else None
    weights = convert_student_backbone(args.src, args.dst, args.prefix,
                                       backbone)
    checked = f', loads strictly into {type(backbone).__name__}' \
        if backbone is not None else ''
    print(f'{len(weights)} tensors under {args.prefix!r} -> {args.dst}'
          f'{checked}')


if __name__ == '__main__':
    main()
