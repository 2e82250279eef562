# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Arguments and the teacher shared by the pruning pipeline scripts."""
import argparse
import json
import os.path as osp

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.engine.fileio import atomic_write
from ..common.runs import REPO
from ..mnist import benchmark as mnist
from .pipeline import Budget, Experiment

# The MNIST experiment: width-16 ResNet_CIFAR-18, stage configs, L1 ratios.
MNIST_EXPERIMENT = osp.join(REPO, 'configs', '_base_', 'pruning',
                            'r18w16_mnist_experiment.py')

QUICK = Budget(num_per_class=2,
               prune_iters=3,
               finetune_iters=2,
               batch=8,
               channels_per_step=96,
               val_images=8,
               test_images=20)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--experiment',
                        default=MNIST_EXPERIMENT,
                        help='what to prune: architecture, input shape and '
                        'stage configs (default: the MNIST width-16 one)')
    parser.add_argument('--teacher-ckpt',
                        help='the unpruned width-16 MNIST '
                        'teacher; default: train it (or reuse the cache) '
                        'like tools/benchmark/mnist_benchmark.py')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--quick',
                        action='store_true',
                        help='tiny data and schedule (the tests)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--num-per-class', type=int)
    parser.add_argument('--prune-iters', type=int)
    parser.add_argument('--finetune-iters', type=int)
    parser.add_argument('--channels-per-step',
                        type=int,
                        help='GroupFisher channels masked per step')
    parser.add_argument('--test-images',
                        type=int,
                        help='first N MNIST test images (default: all 10k)')


def budget(args) -> Budget:
    b = Budget(**vars(QUICK)) if args.quick else Budget()
    b.seed = args.seed
    for key in ('num_per_class', 'prune_iters', 'finetune_iters',
                'channels_per_step', 'test_images'):
        if getattr(args, key) is not None:
            setattr(b, key, getattr(args, key))
    return b


def experiment(args) -> Experiment:
    return Experiment.fromfile(args.experiment)


def teacher(args) -> dict:
    """Spec of the unpruned teacher: the given file, else the benchmark's."""
    if args.teacher_ckpt:
        if not osp.isfile(args.teacher_ckpt):
            raise SystemExit(f'--teacher-ckpt {args.teacher_ckpt} does not '
                             'exist; omit it to train the MNIST teacher.')
        meta = osp.splitext(args.teacher_ckpt)[0] + '.json'
        if osp.isfile(meta):  # the benchmark's cache: top-1 on 10k images
            with open(meta) as f:
                info = json.load(f)  # 'test' (cached_teacher) or 'top1'
            return dict(checkpoint=args.teacher_ckpt,
                        top1=info.get('test', info.get('top1')))
        return dict(checkpoint=args.teacher_ckpt)
    # The MNIST benchmark owns the teacher recipe (and its cache key).
    s = mnist.settings(mnist.parse_args(['--quick'] if args.quick else []))
    ckpt, info = mnist.get_teacher(s, osp.join(args.work_dir, 'bench'))
    return dict(checkpoint=ckpt, top1=info['top1'])


def dump(result: dict, path: str) -> None:
    atomic_write(json.dumps(result, indent=2, default=str), path)
