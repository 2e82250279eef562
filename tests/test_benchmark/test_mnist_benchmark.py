# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The embedded default's quick mode, end to end (real MNIST, Runner)."""
import csv
import math
import os

from dccd_test_utils import run_tool


def test_quick_mode_produces_table_and_plots(tmp_path):
    work = tmp_path / 'bench'
    proc = run_tool('tools/benchmark/mnist_benchmark.py', '--quick',
                    '--jobs', '2', '--work-dir', str(work),
                    env_extra=dict(MMRAZOR_DCCD_CACHE=str(tmp_path / 'c')))
    with open(work / 'results.csv') as f:
        rows = list(csv.DictReader(f))
    assert {r['method'] for r in rows} == {
        'teacher', 'student', 'kd', 'dkd', 'crd', 'dccd', 'dccd_cc_2views',
        'dccd_cc_dd',
        'dccd_dd_only', 'dccd_kd', 'dccd_kd_per_sample', 'dccd_kd_beta0.1',
        'dccd_kd_tau0.05', 'dccd_kd_tau0.5', 'dccd_gamma0.1', 'dccd_gamma0.3',
        'dccd_gamma3', 'dccd_dd_kl', 'dccd_strong_views',
        'dccd_cc_only_strong_views'
    }
    assert all(math.isfinite(float(r['top1'])) for r in rows)
    # Every run trains in its own dir, where its curve is read from (a bug
    # once sent every method with dict options to <work>/distiller/).
    for method in {r['method'] for r in rows} - {'teacher'}:
        assert len(list(work.glob(f'part*/{method}/seed0/*/vis_data/'
                                  'scalars.json'))) == 1, method
    assert not list(work.glob('part*/distiller'))
    assert all(0 <= float(r['top1']) <= 100 for r in rows)
    for name in ('summary.md', 'accuracy.png', 'curves.png'):
        assert os.path.getsize(work / name) > 0
    summary = (work / 'summary.md').read_text()
    assert '| dccd |' in summary and '| crd |' in summary
    assert 'mean +- std' in summary
    assert 'top-1' in proc.stdout
