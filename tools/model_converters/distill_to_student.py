# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Write the plain student of a distillation checkpoint.

    python tools/model_converters/distill_to_student.py \
        work_dirs/dccd_r18w16_r18w4_mnist/iter_600.pth \
        checkpoints/dccd_student.pth \
        --config configs/mnist/resnet18-cifar-w4_mnist-student.py

A ``DCCDDistill`` or MMRazor KD (``SingleTeacherDistill``) checkpoint holds
the student under ``architecture.``; the output holds it without the prefix
(teacher and connectors dropped, ``meta`` kept), so the student's own
MMPretrain / MMDetection config loads it with ``strict=True``
(``tools/test.py``, ``init_model``, the inferencers). With ``--config`` the
weights are first checked against the model that config builds (any
missing, unexpected or mis-shaped key stops the conversion). The output is
written atomically and never over the input. A pruning algorithm's
checkpoint is refused: export its pruned student with
``mmrazor_dccd.pruning.export``.
"""
import argparse

from mmengine.registry import MODELS, init_default_scope

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
from mmrazor.utils import register_all_modules
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.checkpoint import check_output_path
from mmrazor_dccd.engine.student_checkpoint import convert_to_student


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write the plain student of a distillation checkpoint')
    parser.add_argument('src', help='DCCD / MMRazor distillation checkpoint')
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--config',
        help="the student's own config; its model must load the weights "
        'with strict=True (checked before anything is written)')
    return parser.parse_args(argv)


def build_student(config: str):
    """The model the student's config builds (the student of a
    distillation config), without initialisation."""
    register_all_modules(False)
    cfg = load_config(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = cfg.model
    if 'architecture' in model:
        model = model.architecture
    return MODELS.build(model)


def main(argv=None):
    args = parse_args(argv)
    check_output_path(args.src, args.dst)  # before the slow model build
    model = build_student(args.config) if args.config else None
    weights = convert_to_student(args.src, args.dst, model)
    checked = f', loads strictly into {type(model).__name__}' \
        if model is not None else ''
    print(f'{len(weights)} student tensors -> {args.dst}{checked}')


if __name__ == '__main__':
    main()
