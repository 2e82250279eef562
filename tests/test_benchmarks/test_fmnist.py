# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Protocol v2 of the Fashion-MNIST benchmark: the tuning rule and its grid
extensions, and the quick mode end to end (real data,
Runner): tuning, fresh-seed tables at both schedules, knowledge controls,
curves, budget."""
import csv
import os

import pytest
from dccd_test_utils import run_tool

from benchmarks.fmnist import benchmark, plan
from mmrazor_dccd.data import prepare_fashion_mnist

S = dict(tune_pairs=('a', 'b'), tune_seeds=(10, ), values=None,
         max_extensions=3)


def _rows(scores):
    """Tuning rows: the student at 80 on both pairs, ``scores[setting] =
    (pair a, pair b)`` validation top-1 for DCCD."""
    rows = [dict(pair=p, method='student', setting='default', seed='10',
                 val_top1='80') for p in 'ab']
    for name, (a, b) in scores.items():
        rows += [dict(pair='a', method='dccd', setting=name, seed='10',
                      val_top1=str(a)),
                 dict(pair='b', method='dccd', setting=name, seed='10',
                      val_top1=str(b))]
    return rows


def _all(value=80.0, **override):
    names = [plan.setting_name('dccd', (b, t))
             for b in (1, 3, 10) for t in (0.05, 0.1, 0.2)]
    scores = {n: (value, value) for n in names}
    scores.update(override)
    return scores


@pytest.mark.fast
def test_interior_winner_by_the_worst_pair_rule():
    # beta3_tau0.1 is best on the worse of the two pairs.
    scores = _all(**{'beta3_tau0.1': (82, 81), 'beta10_tau0.2': (90, 79)})
    axes, best = plan.grid('dccd', plan.tune_scores(_rows(scores)), S)
    assert best == (3, 0.1)
    assert axes == [[1, 3, 10], [0.05, 0.1, 0.2]]


@pytest.mark.fast
def test_edge_winner_extends_its_axis_until_interior():
    scores = _all(**{'beta10_tau0.1': (85, 85)})
    tuned = plan.tune_scores(_rows(scores))
    axes, best = plan.grid('dccd', tuned, S)
    assert best is None  # beta 30 is not run yet
    assert axes[0] == [1, 3, 10, 30] and axes[1] == [0.05, 0.1, 0.2]
    scores.update({f'beta30_tau{t:g}': (70, 70) for t in (0.05, 0.1, 0.2)})
    axes, best = plan.grid('dccd', plan.tune_scores(
        _rows(scores)), S)
    assert best == (10, 0.1) and axes[0] == [1, 3, 10, 30]


def _read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_quick_mode_end_to_end(tmp_path):
    cache = tmp_path / 'cache'
    (cache / 'data').mkdir(parents=True)
    os.symlink(prepare_fashion_mnist(), cache / 'data' / 'fashion-mnist')
    work = tmp_path / 'v2'
    run_tool('tools/benchmark/fmnist_v2.py', '--quick', '--jobs', '2',
             '--work-dir', str(work),
             env_extra=dict(MMRAZOR_DCCD_CACHE=str(cache)))
    tune = _read(work / 'fmnist_tune.csv')
    settings = {m: {r['setting'] for r in tune if r['method'] == m}
                for m in ('kd', 'dccd')}
    # Quick grids start 1 x 1 on pair (a), so the winner is on every edge:
    # each axis grew once (to 2 values), for both methods alike.
    assert len(settings['kd']) == len(settings['dccd']) == 4
    assert {r['pair'] for r in tune} == {'a'}
    final = _read(work / 'fmnist_benchmark.csv')
    assert {r['protocol'] for r in final} == {'v2'}
    for pair in 'ab':  # --quick: pairs (a) and (b)
        got = {r['method'] for r in final if r['pair'] == pair}
        assert got == {'teacher', 'student', 'kd', 'dccd',
                       'dccd_random_teacher', 'dccd_early_teacher'}
    converged = _read(work / 'fmnist_converged.csv')
    assert {r['method'] for r in converged} == {
        'teacher', 'student', 'kd', 'dccd', 'dccd_random_teacher',
        'dccd_early_teacher'}
    curves = _read(work / 'fmnist_curves.csv')
    assert {int(r['iter']) for r in curves} == {4, 8}
    assert _read(work / 'fmnist_budget.csv')[0].keys() == {
        'method', 'settings', 'runs'}
    assert os.path.getsize(work / 'fmnist_curves.png') > 0
    assert 'Holm-corrected' in (work / 'fmnist_v2.md').read_text()
    # The long schedule: the student alone, the pair's best baseline and
    # DCCD, twice the converged iterations, with its own curves.
    long = _read(work / 'fmnist_long.csv')
    assert {(r['pair'], r['method']) for r in long} == {
        ('a', 'teacher'), ('a', 'student'), ('a', 'kd'), ('a', 'dccd')}
    long_curves = _read(work / 'fmnist_long_curves.csv')
    assert {int(r['iter']) for r in long_curves} == {6, 12}
    assert os.path.getsize(work / 'fmnist_long_curves.png') > 0
    assert 'Long schedule' in (work / 'fmnist_v2.md').read_text()
    study = _read(work / 'fmnist_dd_study_v2.csv')
    images = {r['method']: int(r['images_per_step']) for r in study}
    # One view of 16 images (the quick batch) vs two views of 16 images.
    assert images == {'dccd': 16, 'dccd_1view128': 32, 'dccd_2views64': 32,
                      'dccd_cc_dd_2views64': 32,
                      'dccd_cc_dd_2views64_strong': 32}
    # Feature redundancy of every table run of the student, KD (also the
    # best baseline here), DCCD and the random-teacher control, both
    # schedules, both sample modes, on the layer DCCD distils.
    red = _read(work / 'fmnist_redundancy.csv')
    for schedule in ('short', 'converged'):
        for pair, layer in (('a', 'backbone.layer4'),
                            ('b', 'backbone.layer3')):
            got = [r for r in red
                   if r['schedule'] == schedule and r['pair'] == pair]
            assert {r['method'] for r in got} == {
                'student', 'kd', 'dccd', 'dccd_random_teacher'}
            assert {r['layer'] for r in got} == {layer}
            assert {r['samples'] for r in got} == {'positions', 'images'}
    for r in red:
        channels = int(r['channels'])
        assert channels in (16, 32) and int(r['images']) == 50
        assert 1.0 <= float(r['effective_rank']) <= channels
        assert 0 <= int(r['dead_channels']) <= channels
    assert 'Feature redundancy' in (work / 'fmnist_v2.md').read_text()


@pytest.mark.fast
def test_shipped_v2_config_is_the_table_run(tmp_path):
    """`configs/dccd/dccd_r18w16-v2_r18w4_fmnist.py` trains what the v2
    table's DCCD row of pair (a) trained: the tuned setting the committed
    tuning store selects, the shipped v2 teacher, the same schedule."""
    from mmrazor_dccd.compat import load_config
    s = plan.settings(benchmark.parse_args([]))
    best = plan.chosen(s, plan.stores(s))['dccd']
    opts = plan.setting_options('dccd', best)
    teacher = 'docs/results/teachers/fmnist_teacher_v2_1e02f322610c.pth'
    run = plan.make_run('final', 'a', 'dccd',
                        plan.setting_name('dccd', best), 5, opts)
    bench = plan.build_run_cfg(run, s, str(tmp_path), dict(final=teacher))
    cfg = load_config('configs/dccd/dccd_r18w16-v2_r18w4_fmnist.py')
    assert cfg.model.teacher_ckpt == teacher
    assert bench.model.teacher_ckpt == teacher
    ours, theirs = cfg.model.to_dict(), bench.model.to_dict()
    # 'backbone.layer4' is DCCDDistiller's short form of {layer: layer}.
    layers = ours['distiller']['feature_layers']
    ours['distiller']['feature_layers'] = {layers: layers}
    assert ours == theirs
    for key in ('train_cfg.max_iters', 'param_scheduler.T_max',
                'train_dataloader.batch_size', 'optim_wrapper'):
        a, b = cfg, bench
        for part in key.split('.'):
            a, b = a[part], b[part]
        assert a == b, key
    assert cfg.train_dataloader.dataset.pipeline == \
        bench.train_dataloader.dataset.pipeline
