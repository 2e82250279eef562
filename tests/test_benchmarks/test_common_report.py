# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The shared report helpers: per-pair tables with paired differences."""
import pytest

from benchmarks.common import report
from benchmarks.common.stats import mean_std

pytestmark = pytest.mark.fast


def _rows(spec):
    return [dict(pair='a', method=m, seed=s, test_top1=v, seconds=10)
            for m, values in spec.items() for s, v in values.items()]


def test_paired_difference_uses_common_seeds_and_sample_std():
    rows = _rows({'student': {0: 80.0, 1: 82.0, 2: 81.0},
                  'dccd': {0: 81.0, 1: 84.0},  # seed 2 not run yet
                  'kd': {0: 80.5, 1: 83.5, 2: 90.0}})
    table = {t['method']: t for t in report.pair_table(rows)}
    minus = {m: t['minus'].get('dccd') for m, t in table.items()}
    assert table['student']['mean'] == pytest.approx(81.0)
    assert table['student']['std'] == pytest.approx(1.0)  # ddof=1
    diff, std, n = minus['student']
    assert (diff, n) == (pytest.approx(1.5), 2)  # seeds 0 and 1 only
    assert std == pytest.approx(mean_std([1.0, 2.0])[1])
    assert minus['kd'][:2] == (pytest.approx(0.5), 0.0)
    assert minus['dccd'] is None
    assert report.best_baseline(list(table.values()),
                                ('student', 'kd')) == 'kd'
    md = report.markdown(list(table.values()), 'pair (a)')
    assert '| kd | 84.67 +- 4.86 | 3 | +0.50 +- 0.00 (n=2) | 10 |' in md
    assert 'dccd minus it (paired)' in md


def test_write_csv_keeps_the_line_end_asked_for(tmp_path):
    path = str(tmp_path / 't.csv')
    report.write_csv(path, ['a', 'b'], [dict(a=1, b=2)])
    assert open(path, newline='').read() == 'a,b\n1,2\n'
    report.write_csv(path, ['a', 'b'], [dict(a=1, b=2)],
                     lineterminator='\r\n')
    assert open(path, newline='').read() == 'a,b\r\n1,2\r\n'
