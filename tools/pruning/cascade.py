# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Cascaded pruning with DCCD: teacher -> assistant (~50% FLOPs) -> student
(~25%), each pruned (GroupFisher) and fine-tuned with its own teacher.

    python tools/pruning/cascade.py --work-dir work_dirs/pruning/cascade
    python tools/pruning/cascade.py --no-dccd ...   # cross-entropy only
    ... --quick   # tiny data and schedule (the tests)

Writes <work-dir>/stage{0,1}_{prune,finetune}/ (structure.json + pruned.pth
each) and <work-dir>/result.json.
"""
import argparse
import os.path as osp
import sys

# benchmarks/ (the pruning experiment pipeline) sits beside the package.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from benchmarks.pruning.cli import (add_common_args, budget,  # noqa: E402
                                    dump, experiment, teacher)
from benchmarks.pruning.pipeline import cascade  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--no-dccd',
                        action='store_true',
                        help='prune and fine-tune with cross-entropy only')
    parser.add_argument('--targets',
                        type=float,
                        nargs='+',
                        default=[0.5, 0.25],
                        help='FLOPs ratio of each stage (of the teacher)')
    add_common_args(parser)
    args = parser.parse_args()
    stages = cascade(teacher(args),
                     args.work_dir,
                     budget(args),
                     experiment(args),
                     dccd=not args.no_dccd,
                     targets=args.targets)
    dump(dict(vars(args), stages=stages), osp.join(args.work_dir,
                                                   'result.json'))
    for i, s in enumerate(stages):
        print(f"stage {i}: {s['pruned']['flops']:.2f}M FLOPs, "
              f"{s['pruned']['params']:.3f}M params, top-1 "
              f"{s['finetuned']['top1']:.2f}")


if __name__ == '__main__':
    main()
