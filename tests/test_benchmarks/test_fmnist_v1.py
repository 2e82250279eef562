# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The Fashion-MNIST benchmark's quick mode, end to end (real data, Runner):
every stage, method and pair; resume; the channel alignment tool."""
import csv
import os

import pytest
from dccd_test_utils import run_tool

from mmrazor_dccd.datasets import prepare_fashion_mnist

METHODS = {'student', 'kd', 'dkd', 'dist', 'crd', 'cwd', 'dccd',
           'dccd_cc_dd', 'dccd_cc_2views', 'dccd_dd_only'}


@pytest.fixture(scope='module')
def quick(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('fmnist')
    cache = tmp / 'cache'
    (cache / 'data').mkdir(parents=True)
    # Real data from the usual place; teachers cached in this test only.
    os.symlink(prepare_fashion_mnist(), cache / 'data' / 'fashion-mnist')
    env = dict(MMRAZOR_DCCD_CACHE=str(cache))
    work = tmp / 'bench'
    proc = run_tool('tools/benchmark/fmnist_benchmark.py', '--quick',
                    '--jobs', '2', '--work-dir', str(work), env_extra=env)
    return work, env, proc


def _rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_every_stage_method_and_pair(quick):
    work, _, _ = quick
    final = _rows(work / 'fmnist_benchmark.csv')
    assert list(final[0]) == ['protocol', 'pair', 'method', 'seed',
                              'val_top1', 'test_top1', 'seconds']
    assert {r['protocol'] for r in final} == {'v1'}
    for pair in 'abc':
        got = {r['method'] for r in final if r['pair'] == pair}
        assert got == METHODS | {'teacher'}, pair
    # Hyper-parameters come from validation only: selection has no test.
    select = _rows(work / 'selection.csv')
    assert 'test_top1' not in select[0]
    grids = {}
    for r in select:
        if r['pair'] == 'a' and not r['setting'].startswith(
                ('logits_', 'probs_', 'zscore', 'features_')) and \
                r['setting'] not in ('beta0.1', 'beta1_warmup200'):
            grids.setdefault(r['method'], set()).add(r['setting'])
    assert set(grids) == METHODS
    assert all(len(g) == 3 for m, g in grids.items() if m != 'student')
    study = {r['setting'] for r in select if r['method'] == 'dccd_dd_only'}
    assert {'probs_t4_g1', 'zscore_g1', 'logits_cosine_g1',
            'features_zscore_g1', 'probs_t4_g1_3views'} <= study
    for name in ('summary.md', 'accuracy.png', 'accuracy_vs_cost.png'):
        assert os.path.getsize(work / name) > 0
    # The safe-default study: every L_cc setting on pairs (a) and (b), the
    # last-layer ones (pooled teacher) on (b) only, and the rule's choice.
    two, one = 'dccd_cc_2views', 'dccd'
    safety = {(r['pair'], r['method'], r['setting']) for r in select
              if r['method'] in (two, one)}
    assert {('b', two, 'beta1_last'), ('b', two, 'beta0.3_last'),
            ('a', two, 'beta1_warmup200'), ('b', two, 'beta0.1'),
            ('b', one, 'beta3_1view'), ('b', one, 'beta1_last_1view')
            } <= safety
    assert not any(s.endswith('_last') for p, _, s in safety if p == 'a')
    assert 'Rule (largest worst-pair mean difference)' in (
        work / 'safety.md').read_text()
    summary = (work / 'summary.md').read_text()
    assert 'dccd_cc_dd minus it (paired)' in summary
    assert 'dccd minus it (paired)' in summary and 'MobileNetV2' in summary


def test_rerun_resumes_without_training(quick):
    work, env, _ = quick
    before = (work / 'fmnist_benchmark.csv').read_text()
    proc = run_tool('tools/benchmark/fmnist_benchmark.py', '--quick',
                    '--work-dir', str(work), env_extra=env)
    assert proc.stdout.count('0 runs to do') == 4
    assert (work / 'fmnist_benchmark.csv').read_text() == before


def test_channel_alignment_tool(quick, tmp_path):
    work, env, _ = quick
    teacher = [f for f in os.listdir(os.path.join(env['MMRAZOR_DCCD_CACHE'],
                                                  'teachers'))
               if f.endswith('.pth')][0]
    teacher = os.path.join(env['MMRAZOR_DCCD_CACHE'], 'teachers', teacher)
    final = work / 'final' / 'a'
    shares = {}
    for method in ('student', 'dccd'):
        run = [d for d in os.listdir(final) if d.startswith(method + '-')][0]
        ckpt = final / run / 'seed0' / 'iter_6.pth'
        out = tmp_path / f'{method}.png'
        proc = run_tool('tools/analysis/channel_alignment.py',
                        'configs/dccd/dccd_r18w16_r18w4_fmnist.py', str(ckpt),
                        '--teacher-ckpt', teacher, '--images', '200',
                        '--out', str(out), env_extra=env)
        line = [x for x in proc.stdout.splitlines()
                if x.startswith('own-channel share')][0]
        shares[method] = float(line.split()[2])
        assert os.path.getsize(out) > 0
        assert ('trained connector' in line) == (method == 'dccd')
