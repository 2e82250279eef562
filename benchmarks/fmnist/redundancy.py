# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Protocol v2, the paper's title claim measured: how redundant the
students' feature channels are (``mmrazor_dccd.analysis.redundancy``).

For every finished table run of the student alone, KD, the pair's best
baseline (by mean validation top-1 in the short table), DCCD's default and
its random-teacher control, at both schedules: the layer DCCD distils
(``PAIRS[pair]['layer']``) recorded on the first :data:`IMAGES` validation
images, with the mean absolute channel correlation, the effective rank of
the centred features and the dead channels, per sample mode (one sample per
image and position, or per image after pooling). Rows land in
``fmnist_redundancy.csv`` as they are measured; a rerun skips them. A run
whose checkpoint is not in the work dir (trained on another machine) is
named and skipped.
"""
import os.path as osp
from typing import Dict, List, Tuple

from tqdm import tqdm

from mmrazor_dccd.analysis import (build_loader, feature_redundancy,
                                   load_student, record_layers)
from mmrazor_dccd.analysis.redundancy import SAMPLES
from ..common.results_store import ResultsStore
from ..common.stats import mean_std
from .grids import PAIRS
from .plan import (build_run_cfg, chosen, make_run, setting_name,
                   setting_options, two_best_baselines)

FIELDS = ['schedule', 'pair', 'method', 'seed', 'layer', 'samples',
          'mean_abs_correlation', 'effective_rank', 'channels',
          'dead_channels', 'images']
KEY = ['schedule', 'pair', 'method', 'seed', 'samples']
NUMERIC = ['seed', 'mean_abs_correlation', 'effective_rank', 'channels',
           'dead_channels', 'images']
IMAGES = 2000  # validation images (the analysis docs' first look used these)
CONTROL = 'dccd_random_teacher'


def store(s) -> ResultsStore:
    return ResultsStore(osp.join(s['results'], 'fmnist_redundancy.csv'),
                        FIELDS, KEY, NUMERIC)


def methods(pair, s, st) -> List[str]:
    """Student, KD, the pair's best baseline, DCCD, the random-teacher
    control (in that order; KD once when it is the best baseline)."""
    best = two_best_baselines(pair, s, st)[0]
    wanted = ['student', 'kd', best, 'dccd', CONTROL]
    return [m for m in dict.fromkeys(wanted)
            if m in ('student', CONTROL) or m in s['methods']]


def targets(s, st) -> List[dict]:
    """The finished table runs to measure, as the runs that trained them."""
    best = chosen(s, st)
    tables = (('short', 'final', [r for r in st['final'].rows()
                                  if r['protocol'] == 'v2']),
              ('converged', 'converged', st['converged'].rows()))
    runs = []
    for schedule, stage, rows in tables:
        wanted = {p: methods(p, s, st)
                  for p in sorted({r['pair'] for r in rows})}
        for r in rows:
            method = r['method']
            if method not in wanted[r['pair']]:
                continue
            family = 'dccd' if method == CONTROL else method
            tuned = family in best
            runs.append(make_run(
                stage, r['pair'], method,
                setting_name(family, best[family]) if tuned else 'default',
                int(r['seed']),
                setting_options(family, best[family]) if tuned else {},
                schedule, 'random' if method == CONTROL else 'final'))
    return runs


def measure(run, s, work_dir, teachers) -> Tuple[List[dict], str]:
    """The run's rows (one per sample mode), or [] and why not."""
    cfg = build_run_cfg(run, s, work_dir, teachers)
    iters = s['schedules'][run['schedule']]['iters']
    ckpt = osp.join(cfg.work_dir, f'iter_{iters}.pth')
    if not osp.isfile(ckpt):
        return [], f'no {ckpt}'
    layer = PAIRS[run['pair']]['layer']
    images = IMAGES if s['num_per_class'] is None else s['val_images']
    feat, = record_layers([(load_student(cfg, ckpt), layer)],
                          build_loader(cfg, 'val', images))
    rows = []
    for samples in SAMPLES:
        got = feature_redundancy(feat, samples)
        rows.append(dict(
            schedule=run['schedule'], pair=run['pair'],
            method=run['method'], seed=run['seed'], layer=layer,
            samples=samples,
            mean_abs_correlation=f"{got['mean_abs_correlation']:.4f}",
            effective_rank=f"{got['effective_rank']:.2f}",
            channels=got['channels'], dead_channels=got['dead_channels'],
            images=feat.size(0)))
    return rows, ''


def run_stage(s, st, work_dir, teachers) -> None:
    out = store(s)
    done = out.done()
    todo = [r for r in targets(s, st)
            if (r['schedule'], r['pair'], r['method'], str(r['seed']),
                SAMPLES[-1]) not in done]
    print(f'Fashion-MNIST v2, redundancy: {len(todo)} runs to measure; '
          f"results in {out.path}", flush=True)
    missing = []
    for run in tqdm(todo, desc='redundancy', unit='run'):
        rows, why = measure(run, s, work_dir, teachers)
        if why:
            missing.append(why)
        for row in rows:
            out.append(row)
    if missing:
        print(f'{len(missing)} runs skipped, their checkpoints are not in '
              'this work dir (rerun them with --stage final/converged after '
              'deleting their rows, or measure where they were trained):\n  '
              + '\n  '.join(missing))


def table(rows: List[dict], samples: str = 'positions') -> List[str]:
    """Markdown: per schedule and pair, every method's mean +- sample std
    over seeds of the three numbers, and DCCD's paired difference to the
    student alone."""
    by: Dict[tuple, Dict[str, Dict[int, dict]]] = {}
    for r in rows:
        if r['samples'] == samples:
            by.setdefault((r['schedule'], r['pair']), {}).setdefault(
                r['method'], {})[int(r['seed'])] = r
    lines = []
    for (schedule, pair), per_method in sorted(
            by.items(), key=lambda kv: (kv[0][0] != 'short', kv[0][1])):
        any_row = next(iter(next(iter(per_method.values())).values()))
        lines += [f"#### {PAIRS[pair]['title']}, {schedule} schedule "
                  f"({any_row['layer']}, {any_row['channels']} channels, "
                  f"{any_row['images']} validation images, samples = "
                  f'{samples})', '',
                  '| method | seeds | mean abs corr | effective rank | '
                  'dead channels |', '| --- | --- | --- | --- | --- |']
        for method, seeds in per_method.items():
            cells = []
            for key in ('mean_abs_correlation', 'effective_rank',
                        'dead_channels'):
                mean, std = mean_std(
                    float(r[key]) for r in seeds.values())
                cells.append(f'{mean:.3f} +- {std:.3f}' if key ==
                             'mean_abs_correlation' else
                             f'{mean:.1f} +- {std:.1f}')
            lines.append(f'| {method} | {len(seeds)} | ' + ' | '.join(cells)
                         + ' |')
        ours, alone = per_method.get('dccd', {}), per_method.get(
            'student', {})
        paired = sorted(set(ours) & set(alone))
        if len(paired) >= 2:
            diffs = {key: mean_std(
                float(ours[s][key]) - float(alone[s][key]) for s in paired)
                for key in ('mean_abs_correlation', 'effective_rank')}
            lines += ['', f'dccd minus student, paired over {len(paired)} '
                      'seeds: mean abs corr '
                      f"{diffs['mean_abs_correlation'][0]:+.3f} +- "
                      f"{diffs['mean_abs_correlation'][1]:.3f}, effective "
                      f"rank {diffs['effective_rank'][0]:+.1f} +- "
                      f"{diffs['effective_rank'][1]:.1f}."]
        lines.append('')
    return lines
