# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""See L_cc work: the student-teacher channel similarity matrix.

    python tools/analysis/channel_alignment.py CONFIG CHECKPOINT [--out PNG]

CONFIG is a distillation config with ``model.architecture`` (the student) and
``model.teacher`` (e.g. ``configs/dccd/dccd_r18w16_r18w4_fmnist.py``);
CHECKPOINT holds the student: a distillation checkpoint (``architecture.*``,
also ``teacher.*`` and the distiller's connector) or a plain classifier
checkpoint (a student trained alone). The student's feature layer is mapped
to the teacher's channels by the checkpoint's trained connector, or, when it
has none (student alone, logit KD; or with ``--connector fit``), by a
least-squares 1x1 conv fitted on the first half of the images; the
similarities are measured on the other half either way. Writes a heatmap
PNG and prints the share of student channels whose most similar teacher
channel is their own.
"""
import argparse
import os.path as osp

import torch

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.analysis import (apply_linear_connector, build_loader,
                                   build_model, channel_similarity,
                                   feature_layers, fit_linear_connector,
                                   own_channel_share, record_layers,
                                   student_state, sub_state)
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.checkpoint import load_state_dict_file


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--teacher-ckpt', help='teacher weights when '
                        'CHECKPOINT has none (default: the config\'s)')
    parser.add_argument('--student-layer', help="default: the config's "
                        'first DCCDDistiller feature layer')
    parser.add_argument('--teacher-layer')
    parser.add_argument('--connector', default='auto',
                        choices=['auto', 'trained', 'fit'],
                        help='auto: the trained connector if the checkpoint '
                        'has one, else a least-squares fit')
    parser.add_argument('--images', type=int, default=2000)
    parser.add_argument('--split', default='val',
                        help='the <split>_dataloader of the config to use')
    parser.add_argument('--out', help='PNG path (default: next to '
                        'CHECKPOINT)')
    return parser.parse_args()


def layers_of(cfg, args):
    if args.student_layer:
        return args.student_layer, args.teacher_layer or args.student_layer
    layers = feature_layers(cfg)
    if layers is None:
        raise SystemExit('The config names no DCCDDistiller feature_layers: '
                         'pass --student-layer (and --teacher-layer).')
    return layers


def main():
    args = parse_args()
    cfg = load_config(args.config)
    if 'architecture' not in cfg.model or 'teacher' not in cfg.model:
        raise SystemExit(f'{args.config} is not a distillation config (it '
                         'needs model.architecture and model.teacher).')
    state = load_state_dict_file(args.checkpoint)
    student = build_model(cfg.model.architecture, student_state(state))
    distiller = build_model(cfg.model.distiller) \
        if 'distiller' in cfg.model else None
    teacher_state = sub_state(state, 'teacher.')
    if not teacher_state:
        path = args.teacher_ckpt or cfg.model.get('teacher_ckpt')
        if not path or not osp.isfile(path):
            raise SystemExit(f'{args.checkpoint} holds no teacher and the '
                             f'teacher checkpoint {path!r} does not exist: '
                             'pass --teacher-ckpt.')
        teacher_state = load_state_dict_file(path)
    teacher = build_model(cfg.model.teacher, teacher_state)
    s_layer, t_layer = layers_of(cfg, args)

    connector, how = None, ('least-squares 1x1 conv fitted on the other half '
                            'of the images')
    conn_state = sub_state(state, 'distiller.connectors.feat_connector.')
    if args.connector != 'fit' and distiller is not None and conn_state \
            and 'feat_connector' in distiller.connectors:
        connector = distiller.connectors['feat_connector']
        connector.load_state_dict(conn_state, strict=True)
        how = 'trained connector'
    elif args.connector == 'trained':
        raise SystemExit(f'{args.checkpoint} has no trained feat_connector.')

    # Both models see the student's preprocessed inputs.
    feat_s, feat_t = record_layers(
        [(student, s_layer), (teacher, t_layer)],
        build_loader(cfg, args.split, args.images))
    half = len(feat_s) // 2  # fit on one half, measure on the other
    with torch.no_grad():
        if connector is not None:
            mapped = connector(feat_s[half:])
        else:
            mapped = apply_linear_connector(
                feat_s[half:], *fit_linear_connector(feat_s[:half],
                                                     feat_t[:half]))
    sim = channel_similarity(mapped, feat_t[half:])
    share = own_channel_share(sim)

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    out = args.out or osp.join(osp.dirname(osp.abspath(args.checkpoint)),
                               'channel_alignment.png')
    fig, ax = plt.subplots(figsize=(5.5, 5))
    im = ax.imshow(sim.numpy(), cmap='RdBu_r', vmin=-1, vmax=1)
    ax.set_xlabel(f'teacher channel ({t_layer})')
    ax.set_ylabel(f'student channel ({s_layer}, mapped)')
    ax.set_title(f'own-channel share {share:.1%}\n{how}', fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(f'own-channel share: {share:.4f} ({len(sim)} channels, '
          f'{len(feat_s) - half} images, {how}); heatmap: {out}')


if __name__ == '__main__':
    main()
