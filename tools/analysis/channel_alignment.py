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
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import mmrazor_dccd  # noqa: F401
from mmrazor.registry import MODELS
from mmrazor_dccd.analysis import (apply_linear_connector, channel_similarity,
                                   fit_linear_connector, own_channel_share)
from mmrazor_dccd.utils import load_config
from mmrazor_dccd.utils.backbone_weights import load_state_dict_file


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


def sub_state(state: dict, prefix: str) -> dict:
    return {k[len(prefix):]: v for k, v in state.items()
            if k.startswith(prefix)}


def layers_of(cfg, args):
    if args.student_layer:
        return args.student_layer, args.teacher_layer or args.student_layer
    layers = cfg.model.get('distiller', {}).get('feature_layers')
    if isinstance(layers, str):
        return layers, layers
    if isinstance(layers, dict):
        return next(iter(layers.items()))
    if layers:
        return layers[0], layers[0]
    raise SystemExit('The config names no DCCDDistiller feature_layers: pass '
                     '--student-layer (and --teacher-layer).')


def record(model, name, store, key):
    return model.get_submodule(name).register_forward_hook(
        lambda m, i, o: store.setdefault(key, []).append(o.detach()))


def main():
    args = parse_args()
    cfg = load_config(args.config)
    if 'architecture' not in cfg.model or 'teacher' not in cfg.model:
        raise SystemExit(f'{args.config} is not a distillation config (it '
                         'needs model.architecture and model.teacher).')
    state = load_state_dict_file(args.checkpoint)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        student = MODELS.build(cfg.model.architecture)
        teacher = MODELS.build(cfg.model.teacher)
        distiller = MODELS.build(cfg.model.distiller) \
            if 'distiller' in cfg.model else None
    student.load_state_dict(
        sub_state(state, 'architecture.') or state, strict=True)
    teacher_state = sub_state(state, 'teacher.')
    if not teacher_state:
        path = args.teacher_ckpt or cfg.model.get('teacher_ckpt')
        if not path or not osp.isfile(path):
            raise SystemExit(f'{args.checkpoint} holds no teacher and the '
                             f'teacher checkpoint {path!r} does not exist: '
                             'pass --teacher-ckpt.')
        teacher_state = load_state_dict_file(path)
    teacher.load_state_dict(teacher_state, strict=True)
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

    loader_cfg = cfg[f'{args.split}_dataloader']
    loader_cfg.dataset.indices = args.images
    loader = Runner.build_dataloader(loader_cfg)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        preprocessor = MODELS.build(cfg.model.architecture.data_preprocessor)
    feats = {}
    hooks = [record(student, s_layer, feats, 's'),
             record(teacher, t_layer, feats, 't')]
    for model in (student, teacher, connector):
        if model is not None:
            model.eval()
    with torch.no_grad():
        for batch in loader:
            inputs = preprocessor(batch, False)['inputs']
            student(inputs, mode='tensor')
            teacher(inputs, mode='tensor')
    for hook in hooks:
        hook.remove()
    feat_s, feat_t = torch.cat(feats['s']), torch.cat(feats['t'])
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
