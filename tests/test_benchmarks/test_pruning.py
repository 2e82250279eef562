# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The pruning report's table and plot (the pipelines it runs are tested
end to end in test_pipelines.py)."""
import os.path as osp
import sys

import pytest
from dccd_test_utils import REPO

from benchmarks.pruning import report as pruning_report


@pytest.fixture(scope='module')
def report():
    return pruning_report


def _rows(report):
    ref = 28.0
    rows = [
        report.row('teacher', 'none', '-', '-', 'no', '-',
                   dict(flops=ref, params=0.7, top1=97.0), ref, 0)
    ]
    for seed, (top1, flops) in enumerate([(90.0, 7.0), (92.0, 7.4)]):
        rows.append(
            report.row('GF -> DCCD', 'groupfisher', 'ce', 'dccd', 'no', seed,
                       dict(flops=flops, params=0.05, top1=top1), ref, 10))
    return rows


@pytest.mark.fast
def test_summary_is_mean_and_std_over_seeds(report):
    summary = report.summarize(_rows(report))
    assert [r['method'] for r in summary] == ['teacher', 'GF -> DCCD']
    gf = summary[1]
    assert gf['seeds'] == 2
    # Sample std (ddof=1), like every table: 90 and 92 -> 1.41, not 1.00.
    assert gf['top1_mean'] == '91.00' and gf['top1_std'] == '1.41'
    assert gf['flops_M'] == '7.200' and gf['flops_ratio'] == '0.257'
    assert summary[0]['seeds'] == 1 and summary[0]['top1_std'] == '0.00'
    assert set(gf) == set(report.SUMMARY)


@pytest.mark.fast
def test_plot_is_a_png(report, tmp_path):
    path = tmp_path / 'acc.png'
    report.plot(report.summarize(_rows(report)), str(path))
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert path.stat().st_size > 10_000


@pytest.mark.fast
def test_docs_table_is_the_summary_of_the_recorded_runs(
        report, tmp_path, monkeypatch):
    """docs/results/pruning.csv is what --from-runs rebuilds from
    docs/results/pruning_runs.csv (no training)."""
    docs = osp.join(REPO, 'docs', 'results')
    monkeypatch.setattr(sys, 'argv', [
        'pruning_report.py', '--work-dir',
        str(tmp_path), '--from-runs',
        osp.join(docs, 'pruning_runs.csv')
    ])
    report.main()
    with open(tmp_path / 'pruning.csv') as f:
        rebuilt = f.read()
    with open(osp.join(docs, 'pruning.csv')) as f:
        assert rebuilt == f.read()
    assert (tmp_path / 'pruning_acc_vs_flops.png').stat().st_size > 10_000


def test_quick_report_resumes_without_retraining(tmp_path):
    """Every finished pipeline is stored at once; a rerun skips it."""
    from dccd_test_utils import run_tool
    env = dict(MMRAZOR_DCCD_CACHE=str(tmp_path / 'cache'))
    work = tmp_path / 'report'
    run_tool('tools/pruning/pruning_report.py', '--quick', '--work-dir',
             str(work), env_extra=env)
    rows = (work / 'pruning_runs.csv').read_text()
    methods = {line.split(',')[0] for line in rows.splitlines()[1:]}
    assert {'teacher (w16)', 'L1 -> CE', 'GF+DCCD-prune -> DCCD',
            'cascade student DCCD'} <= methods
    proc = run_tool('tools/pruning/pruning_report.py', '--quick',
                    '--work-dir', str(work), env_extra=env)
    assert (work / 'pruning_runs.csv').read_text() == rows
    assert "'method':" not in proc.stdout  # no pipeline ran again
