# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Where the detection benchmark's backbones come from: the Fashion-MNIST
classification benchmark's run folders (student alone, KD, DCCD, the best
baseline) and its shipped teacher, each extracted with
``tools/model_converters/extract_student_backbone.py`` (the user's path),
strictly checked against the detector that loads it."""
import csv
import glob
import os
import os.path as osp
import runpy
import sys
from typing import Dict, List, Optional, Tuple

from ..common.runs import REPO
from .grids import CLS_BASELINES

TEACHERS = osp.join(REPO, 'docs', 'results', 'teachers')
EXTRACT = osp.join(REPO, 'tools', 'model_converters',
                   'extract_student_backbone.py')


def teacher_classifier(folder: str = TEACHERS) -> str:
    """The shipped Fashion-MNIST teacher: protocol v2's (the teacher of the
    classifiers the backbones come from) when it is there, else v1's."""
    for prefix in ('fmnist_teacher_v2_', 'fmnist_teacher_'):
        found = sorted(p for p in glob.glob(osp.join(folder, prefix + '*.pth'))
                       if '_iter' not in osp.basename(p)
                       and (prefix != 'fmnist_teacher_' or '_v2_' not in p))
        if found:
            return found[-1]
    raise FileNotFoundError(
        f'No Fashion-MNIST teacher classifier in {folder}. Fix: run '
        '`python tools/benchmark/fmnist_v2.py --stage teacher` (it ships '
        'the teacher there).')


def classifier_run(cls_work_dir: str, stage: str, pair: str, method: str,
                   seed: int, iters: int) -> Tuple[Optional[str], str]:
    """The checkpoint of one classification run and '' or why it is not
    there (``<cls_work_dir>/<stage>/<pair>/<method>-<setting>/seed<seed>/
    iter_<iters>.pth``; exactly one setting per method is expected)."""
    pattern = osp.join(cls_work_dir, stage, pair, f'{method}-*',
                       f'seed{seed}', f'iter_{iters}.pth')
    found = sorted(glob.glob(pattern))
    if len(found) == 1:
        return found[0], ''
    if not found:
        return None, f'no {pattern}'
    return None, f'{len(found)} runs match {pattern}: keep one'


def best_baseline(cls_results: str, pair: str) -> Tuple[Optional[str], str]:
    """The pair's classification baseline with the best mean validation
    top-1 over the seeds of the classification table (protocol v2 rows;
    the test set plays no part in the choice)."""
    if not osp.isfile(cls_results):
        return None, f'no {cls_results}'
    val: Dict[str, List[float]] = {}
    with open(cls_results, newline='') as f:
        for row in csv.DictReader(f):
            if row.get('protocol') == 'v2' and row['pair'] == pair and \
                    row['method'] in CLS_BASELINES:
                val.setdefault(row['method'], []).append(
                    float(row['val_top1']))
    if not val:
        return None, f'no protocol-v2 baseline rows of pair ({pair}) in ' \
            f'{cls_results}'
    means = {m: sum(v) / len(v) for m, v in val.items()}
    return max(means, key=means.get), ''


def extract_backbone(src: str, dst: str, prefix: str, config: str) -> str:
    """Run the converter tool on ``src`` once (``dst`` is kept as a cache);
    in this process, as ``python tools/model_converters/
    extract_student_backbone.py src dst --prefix P --config C``."""
    if osp.isfile(dst):
        return dst
    os.makedirs(osp.dirname(dst), exist_ok=True)
    argv = sys.argv
    sys.argv = [EXTRACT, src, dst, '--prefix', prefix, '--config',
                osp.join(REPO, config)]
    try:
        runpy.run_path(EXTRACT, run_name='__main__')
    finally:
        sys.argv = argv
    return dst


def classifier_prefix(method: str) -> str:
    """Where the student's backbone lives in a classification run's
    checkpoint: a plain classifier, or a distillation algorithm."""
    return 'backbone.' if method == 'student' else 'architecture.backbone.'
