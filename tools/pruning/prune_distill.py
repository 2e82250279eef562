# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Prune the MNIST width-16 ResNet_CIFAR-18, export it, fine-tune it.

    # L1-norm (ItePruneAlgorithm) to ~25% FLOPs, then DCCD from the teacher
    python tools/pruning/prune_distill.py --method l1 --finetune dccd \\
        --work-dir work_dirs/pruning/l1_dccd
    # GroupFisher with the DCCD teacher attached while pruning
    python tools/pruning/prune_distill.py --method groupfisher \\
        --distill-while-pruning --finetune dccd --work-dir work_dirs/pruning/gf
    # L1-norm schedule on the student of a DCCD distillation
    python tools/pruning/prune_distill.py --method l1 \\
        --distill-while-pruning --finetune dccd \\
        --work-dir work_dirs/pruning/l1d
    ... --quick   # tiny data and schedule (the tests)

Writes <work-dir>/prune/{structure.json,pruned.pth} (the static pruned
model), <work-dir>/finetune/ (the fine-tuned one, same format) and
<work-dir>/result.json.
"""
import argparse
import os.path as osp
import sys

# benchmarks/ (the pruning experiment pipeline) sits beside the package.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from benchmarks.pruning.cli import (add_common_args, budget,  # noqa: E402
                                    dump, experiment, teacher)
from benchmarks.pruning.pipeline import finetune, prune  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--method',
                        choices=['l1', 'groupfisher'],
                        default='l1')
    parser.add_argument('--target',
                        type=float,
                        default=0.25,
                        help='FLOPs ratio to reach (l1: one of the '
                        "experiment's l1_kept_ratios targets)")
    parser.add_argument('--distill-while-pruning',
                        action='store_true',
                        help='prune (L1 schedule or GroupFisher) with the '
                        'DCCD teacher attached')
    parser.add_argument('--finetune', choices=['ce', 'dccd'], default='dccd')
    add_common_args(parser)
    args = parser.parse_args()
    b, e = budget(args), experiment(args)
    if args.method == 'l1':
        e.l1_ratio(args.target)  # a bad --target fails before any training
    t = teacher(args)
    pruned = prune(args.method,
                   t,
                   args.target,
                   osp.join(args.work_dir, 'prune'),
                   b,
                   e,
                   teacher=t if args.distill_while_pruning else None)
    tuned = finetune(pruned,
                     osp.join(args.work_dir, 'finetune'),
                     b,
                     e,
                     teacher=t if args.finetune == 'dccd' else None)
    result = dict(vars(args), pruned=pruned, finetuned=tuned)
    dump(result, osp.join(args.work_dir, 'result.json'))
    print(f"{args.method}: {pruned['flops']:.2f}M FLOPs, "
          f"{pruned['params']:.3f}M params, top-1 {tuned['top1']:.2f} "
          f"after {args.finetune} fine-tuning")


if __name__ == '__main__':
    main()
