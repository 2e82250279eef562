# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The embedded default's quick mode, end to end (real MNIST, Runner)."""
import csv
import math
import os

from dccd_test_utils import run_tool


def test_quick_mode_produces_table_and_plots_and_resumes(tmp_path):
    work = tmp_path / 'bench'
    env = dict(MMRAZOR_DCCD_CACHE=str(tmp_path / 'c'))
    proc = run_tool('tools/benchmark/mnist_benchmark.py', '--quick',
                    '--jobs', '2', '--work-dir', str(work), env_extra=env)
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
        assert len(list(work.glob(f'{method}/seed0/*/vis_data/'
                                  'scalars.json'))) == 1, method
    assert not list(work.glob('distiller'))
    for name in ('summary.md', 'accuracy.png', 'curves.png'):
        assert os.path.getsize(work / name) > 0
    summary = (work / 'summary.md').read_text()
    assert '| dccd |' in summary and '| crd |' in summary
    assert 'mean +- std' in summary
    assert 'top-1' in proc.stdout

    # Interrupted after all but one run (its row never written): the rerun
    # trains that one only and keeps every other row as it was.
    text = (work / 'results.csv').read_text().splitlines(keepends=True)
    lost = text.pop()
    (work / 'results.csv').write_text(''.join(text))
    proc = run_tool('tools/benchmark/mnist_benchmark.py', '--quick',
                    '--work-dir', str(work), env_extra=env)
    assert '1 runs to do' in proc.stdout
    again = (work / 'results.csv').read_text().splitlines(keepends=True)
    assert again[:-1] == text
    assert again[-1].split(',')[:3] == lost.split(',')[:3]  # same top-1
