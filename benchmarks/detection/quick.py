# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""``--quick`` only: tiny classification runs in the layout of the
Fashion-MNIST benchmark (``<cls-work-dir>/v2/final/<pair>/<method>-
<setting>/seed<seed>``, rows in its results store), so the detection
benchmark's quick mode finds, extracts and transfers backbones exactly as
the full one does from the real benchmark's run folders."""
import os.path as osp

from ..common.results_store import ResultsStore
from ..common.runs import train_and_evaluate
from ..fmnist.plan import FINAL_FIELDS, NUMERIC, build_run_cfg, make_run
from .grids import TRANSFER_PAIR
from .sources import teacher_classifier

# Two baselines, so choosing the best one is exercised.
METHODS = ('student', 'kd', 'dccd', 'cwd')


def quick_classifiers(s: dict) -> None:
    """Train each of :data:`METHODS` for every seed (a few iterations on a
    class-balanced subset) unless its row is stored."""
    store = ResultsStore(s['cls_results'], FINAL_FIELDS,
                         ['protocol', 'pair', 'method', 'seed'], NUMERIC)
    cls = dict(schedules=dict(short=dict(iters=s['cls_iters'],
                                         val_every=None)),
               batch=16, num_per_class=10, val_images=50, test_images=50)
    teachers = dict(final=teacher_classifier())
    for seed in s['seeds']:
        for method in METHODS:
            if store.has(protocol='v2', pair=TRANSFER_PAIR, method=method,
                         seed=seed):
                continue
            run = make_run('final', TRANSFER_PAIR, method, 'default', seed, {})
            cfg = build_run_cfg(run, cls, s['cls_work_dir'], teachers)
            metrics, seconds = train_and_evaluate(
                cfg, ('val', ), desc=f'classifier {method} s{seed}')
            assert osp.isfile(osp.join(cfg.work_dir,
                                       f"iter_{s['cls_iters']}.pth"))
            store.append(dict(protocol='v2', pair=TRANSFER_PAIR,
                              method=method, seed=seed,
                              val_top1=f"{metrics['val']:.2f}",
                              test_top1='', seconds=f'{seconds:.1f}'))
