# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""How redundant a model's feature channels are (docs/analysis.md).

    python tools/analysis/feature_redundancy.py CONFIG CHECKPOINT \\
        [--layer backbone.layer4] [--images 2000] [--split val] \\
        [--samples positions|images] [--out JSON]

CONFIG is a classifier config or a distillation config (its student,
``model.architecture``, is analysed); CHECKPOINT holds the model: a plain
classifier checkpoint (a student trained alone) or a distillation
checkpoint (the student is read from its ``architecture.*`` entries).
Records LAYER on the first IMAGES images of the config's
``<split>_dataloader`` and prints, and with ``--out`` writes, as JSON: the
mean absolute off-diagonal Pearson correlation of the channels, the
effective rank of the centred features out of the channel count, and the
number of dead channels (``mmrazor_dccd.analysis.redundancy``).
"""
import argparse
import json
import math
import sys

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.analysis import (build_loader, feature_layers,
                                   feature_redundancy, load_student,
                                   record_layers)
from mmrazor_dccd.analysis.redundancy import SAMPLES
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.fileio import atomic_write


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--layer', help="the submodule to record (default: "
                        "the config's first DCCDDistiller student feature "
                        'layer, else backbone.layer4)')
    parser.add_argument('--images', type=int, default=2000)
    parser.add_argument('--split', default='val',
                        help='the <split>_dataloader of the config to use')
    parser.add_argument('--samples', default='positions', choices=SAMPLES,
                        help='positions: one sample per image and spatial '
                        'position (the space L_cc shapes); images: one per '
                        'image after global average pooling (what the head '
                        'reads)')
    parser.add_argument('--dead-threshold', type=float, default=1e-6,
                        help='a channel is dead when its variance is at '
                        'most this times the mean channel variance')
    parser.add_argument('--out', help='also write the JSON here')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = load_config(args.config)
    layer = args.layer or (feature_layers(cfg) or ('backbone.layer4', ))[0]
    model = load_student(cfg, args.checkpoint)
    feat, = record_layers([(model, layer)],
                          build_loader(cfg, args.split, args.images))
    result = dict(
        config=args.config,
        checkpoint=args.checkpoint,
        layer=layer,
        split=args.split,
        images=feat.size(0),
        feature_shape=list(feat.shape[1:]),
        **feature_redundancy(feat, args.samples, args.dead_threshold),
        dead_threshold=args.dead_threshold)
    if math.isnan(result['mean_abs_correlation']):
        result['mean_abs_correlation'] = None  # fewer than 2 live channels
    text = json.dumps(result, indent=2)
    print(text)
    corr = result['mean_abs_correlation']
    corr = 'n/a' if corr is None else f'{corr:.3f}'
    print(f"{layer}: mean |corr| {corr}, "
          f"effective rank {result['effective_rank']:.1f} of "
          f"{result['channels']}, {result['dead_channels']} dead "
          f"({result['images']} images, samples={args.samples})",
          file=sys.stderr)
    if args.out:
        atomic_write(text + '\n', args.out)


if __name__ == '__main__':
    main()
