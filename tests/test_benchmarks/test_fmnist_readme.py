# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The README's Fashion-MNIST headline table is the committed results,
not numbers typed by hand: it must equal what the v2 report computes from
``docs/results/fmnist_benchmark.csv`` and ``fmnist_converged.csv``."""
import csv
from pathlib import Path

import pytest

from benchmarks.fmnist.report import headline_reading, headline_table

REPO = Path(__file__).resolve().parents[2]


def _rows(name):
    with open(REPO / 'docs' / 'results' / name, newline='') as f:
        return list(csv.DictReader(f))


@pytest.mark.fast
def test_readme_fmnist_table_matches_results():
    short = [r for r in _rows('fmnist_benchmark.csv')
             if r['protocol'] == 'v2']
    converged = _rows('fmnist_converged.csv')
    expected = headline_table(short, converged)
    readme = (REPO / 'README.md').read_text()
    block = readme.split('<!-- FMNIST:BEGIN -->')[1].split(
        '<!-- FMNIST:END -->')[0]
    table = [line for line in block.splitlines() if line.startswith('|')]
    assert table == expected, (
        'README.md\'s Fashion-MNIST table is stale: regenerate it with '
        '`python tools/benchmark/fmnist_v2.py --stage report` (the table '
        'under "Headline" in docs/results/fmnist_v2.md) and paste it '
        'between the FMNIST markers.')


@pytest.mark.fast
def test_headline_table_marks_missing_runs_and_bolds_dccd():
    row = dict(protocol='v2', seed='5', val_top1='1')
    short = [dict(row, pair='a', method='student', test_top1='80.0'),
             dict(row, pair='a', method='dccd', test_top1='85.0'),
             dict(row, pair='a', method='dccd', seed='6', test_top1='87.0')]
    converged = [dict(row, pair='a', method='student', test_top1='88.0')]
    lines = headline_table(short, converged)
    assert lines[0] == '| method | (a) 400 its | (a) 2,000 its |'
    assert '| student alone | 80.00 | 88.00 |' in lines
    assert '| **dccd** | **86.00 +- 1.41** | — |' in lines
    assert '| kd | — | — |' in lines


def _tables():
    short = [r for r in _rows('fmnist_benchmark.csv')
             if r['protocol'] == 'v2']
    return short, _rows('fmnist_converged.csv')


def _mean(rows, pair, method):
    values = [float(r['test_top1']) for r in rows
              if (r['pair'], r['method']) == (pair, method)]
    return sum(values) / len(values)


@pytest.mark.fast
def test_readme_reading_is_the_results():
    """The sentences under the README's table hold for the CSVs."""
    short, converged = _tables()
    readme = ' '.join((REPO / 'README.md').read_text().split())
    assert headline_reading(short, converged) in readme
    assert 'best student on every pair at both schedules' in readme
    for rows in (short, converged):
        for pair in 'abc':
            # "with a random teacher ... every student below training alone"
            assert _mean(rows, pair, 'dccd_random_teacher') < \
                _mean(rows, pair, 'student')
            # "No student reaches the teacher."
            students = {r['method'] for r in rows
                        if r['pair'] == pair and r['method'] != 'teacher'}
            assert max(_mean(rows, pair, m) for m in students) < \
                _mean(rows, pair, 'teacher')
