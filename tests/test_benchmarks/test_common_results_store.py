# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The results store (resumable CSV, torn rows healed) and the work-dir
lock."""
import os
import subprocess
import sys
import textwrap

import pytest

from benchmarks.common.results_store import ResultsStore, WorkDirLock

pytestmark = pytest.mark.fast


def test_results_store_appends_and_skips(tmp_path):
    store = ResultsStore(str(tmp_path / 'r.csv'), ['pair', 'seed', 'acc'],
                         ['pair', 'seed'])
    assert store.rows() == [] and not store.has(pair='a', seed=0)
    store.append(dict(pair='a', seed=0, acc='1.5'))
    store.append(dict(pair='b', seed=0, acc='2.5'))
    assert store.has(pair='a', seed=0) and store.has(pair='b', seed='0')
    assert not store.has(pair='a', seed=1)
    lines = (tmp_path / 'r.csv').read_text().splitlines()
    assert lines == ['pair,seed,acc', 'a,0,1.5', 'b,0,2.5']


def _store(tmp_path):
    return ResultsStore(str(tmp_path / 'selection.csv'),
                        ['pair', 'method', 'setting', 'seed', 'val_top1'],
                        ['pair', 'method', 'setting', 'seed'],
                        numeric=['seed', 'val_top1'])


def test_torn_last_line_is_reported_dropped_and_never_glued(tmp_path):
    """What a crash or a full disk leaves: half a row, no line end. The
    next append used to glue onto it, and every rerun then died with
    "could not convert string to float", naming no file."""
    store = _store(tmp_path)
    store.append(dict(pair='a', method='dccd', setting='beta1', seed=0,
                      val_top1='80.00'))
    with open(store.path, 'a') as f:
        f.write('a,dccd,beta0.3_1via')  # torn
    with pytest.warns(UserWarning, match=r'selection\.csv.*line 3'):
        store.append(dict(pair='a', method='dccd', setting='beta3', seed=0,
                          val_top1='82.00'))
    assert [r['setting'] for r in store.rows()] == ['beta1', 'beta3']
    assert 'beta0.3_1via' in (tmp_path / 'selection.csv.rejected').read_text()
    assert (tmp_path / 'selection.csv').read_text().endswith('82.00\n')


def test_glued_row_is_reported_with_file_and_line(tmp_path):
    store = _store(tmp_path)
    (tmp_path / 'selection.csv').write_text(
        'pair,method,setting,seed,val_top1\n'
        'a,dccd,beta1,0,80.00\n'
        'a,dccd,beta0.3_1via,dccd,beta3_1view,0,8.00\n'
        'b,kd,tau4,x,81.0\n')
    with pytest.warns(UserWarning) as caught:
        rows = store.rows()
    message = str(caught[0].message)
    assert 'line 3' in message and 'line 4' in message
    assert "seed='x' is not a number" in message
    assert [r['setting'] for r in rows] == ['beta1']
    assert not store.has(pair='b', method='kd', setting='tau4', seed=0)


def test_foreign_header_names_the_file(tmp_path):
    (tmp_path / 'selection.csv').write_text('a,b\n1,2\n')
    with pytest.raises(RuntimeError, match='selection.csv: the header'):
        _store(tmp_path).rows()


def test_work_dir_lock_refuses_a_second_process_and_takes_stale_ones(
        tmp_path):
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from benchmarks.common.results_store import WorkDirLock
        with WorkDirLock({str(tmp_path)!r}):
            print('locked', flush=True)
            time.sleep(30)
    """)
    child = subprocess.Popen([sys.executable, '-c', code],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == 'locked'
        with pytest.raises(RuntimeError,
                           match=f'PID {child.pid}.*another --work-dir'):
            WorkDirLock(str(tmp_path)).acquire()
    finally:
        child.kill()
        child.wait()
    # The kernel released the dead process's lock: a rerun takes it over.
    with WorkDirLock(str(tmp_path)) as lock:
        assert f'PID {os.getpid()}' in open(lock.path).read()
