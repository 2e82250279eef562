# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Benchmark faults: a benchmark interrupted mid-run (SIGINT, SIGKILL)
loses no finished row, a second benchmark on the same work dir is refused
while the first runs, a torn row is reported with file and line and redone,
never glued.

The real MNIST benchmark driver (``benchmarks.mnist.benchmark.main``:
work-dir lock, results store, resume, one config built per run), with
each run's training replaced by a stub that returns at once, so that a
benchmark takes well under a second (its training is tested in
``tests/test_benchmarks/``).
The interrupted benchmark runs in a forked child: no interpreter start.
"""
import csv
import os
import signal
import sys
import time
import warnings

import pytest

from benchmarks.mnist import benchmark as mnist

METHODS = ['student', 'kd', 'dccd']
IN_FLIGHT = 'dccd seed 0'  # the run under way when the signal lands


@pytest.fixture
def bench(monkeypatch, tmp_path):
    """``(argv, state, work dir)`` of a three-method, one-seed benchmark
    whose runs are stubs; ``state['hang']`` names a run that blocks."""
    state = dict(hang=None, trained=[])

    def get_teacher(s, work_dir):
        return str(tmp_path / 'teacher.pth'), dict(
            top1=99.0, curve=[[2, 99.0]], seconds=1.0)

    def train_and_evaluate(cfg, splits=('test', ), desc='train', **kwargs):
        assert cfg.work_dir.startswith(str(tmp_path))  # a real config
        state['trained'].append(desc)
        if desc == state['hang']:
            print('IN FLIGHT', flush=True)
            time.sleep(120)  # until the signal
        return dict(test=90.0 + len(state['trained'])), 1.0

    monkeypatch.setattr(mnist, 'get_teacher', get_teacher)
    monkeypatch.setattr(mnist, 'train_and_evaluate', train_and_evaluate)
    monkeypatch.setattr(mnist, 'write_outputs', lambda *args: None)
    monkeypatch.setenv('OMP_NUM_THREADS', '1')  # main() keeps torch's
    work = tmp_path / 'bench'
    argv = ['--methods', *METHODS, '--seeds', '0', '--work-dir', str(work)]
    return argv, state, work


def _child(argv, state, log):
    """``main(argv)`` in a forked child, returned once the run
    ``IN_FLIGHT`` is under way (the finished ones are stored)."""
    state['hang'] = IN_FLIGHT
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (child)
        code = 1
        try:
            sys.stdout = sys.stderr = open(log, 'w', buffering=1)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            mnist.main(argv)
            code = 0
        except KeyboardInterrupt:
            code = 130
        finally:
            os._exit(code)
    state['hang'] = None
    deadline = time.time() + 60
    while not (os.path.isfile(log) and 'IN FLIGHT' in open(log).read()):
        done, _ = os.waitpid(pid, os.WNOHANG)
        assert not done, open(log).read()[-3000:]
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError('the benchmark never reached ' + IN_FLIGHT)
        time.sleep(0.01)
    return pid


def _stop(pid, sig):
    os.kill(pid, sig)
    _, status = os.waitpid(pid, 0)
    return status


def _rows(path):
    with open(path, newline='') as f:
        return [(r['method'], r['seed']) for r in csv.DictReader(f)]


def _store_rows_strictly(work):
    """The results as the benchmark reads them; a torn row would warn."""
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        store = mnist.ResultsStore(str(work / 'results.csv'), mnist.FIELDS,
                                   ['method', 'seed'],
                                   ['seed', 'top1', 'seconds'])
        return [(r['method'], r['seed']) for r in store.rows()]


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGKILL],
                         ids=['SIGINT', 'SIGKILL'])
def test_interrupted_benchmark_loses_no_row(bench, tmp_path, capsys, sig):
    """Fault: A benchmark interrupted by Ctrl-C (SIGINT) or killed
    (SIGKILL) while a run is in flight.
    Result: every finished run's row is kept, whole; the run in flight has
    no row; the rerun does only that run (``1 runs to do``) and leaves the
    earlier rows byte for byte (a lock left by SIGKILL is taken over).
    """
    argv, state, work = bench
    pid = _child(argv, state, str(tmp_path / 'child.log'))
    status = _stop(pid, sig)
    if sig == signal.SIGKILL:
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == sig
    else:
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 130
    finished = [('teacher', '0'), ('student', '0'), ('kd', '0')]
    text = (work / 'results.csv').read_text()
    assert text.endswith('\n') and _rows(work / 'results.csv') == finished
    assert _store_rows_strictly(work) == finished

    capsys.readouterr()
    mnist.main(argv)
    out = capsys.readouterr().out
    assert '1 runs to do' in out
    assert ('stale lock' in out) == (sig == signal.SIGKILL)
    assert state['trained'] == [IN_FLIGHT]  # nothing else retrained
    after = (work / 'results.csv').read_text()
    assert after.startswith(text)  # earlier rows untouched
    assert _store_rows_strictly(work) == finished + [('dccd', '0')]


def test_second_benchmark_on_the_work_dir_is_refused(bench, tmp_path):
    """Fault: A second benchmark started on a work dir while the first is
    still running.
    Error: ``RuntimeError: Another MNIST benchmark is running on this work
    dir (PID <first>...). Wait for it to finish, or pass another
    --work-dir``; the first one's rows are untouched.
    """
    argv, state, work = bench
    pid = _child(argv, state, str(tmp_path / 'child.log'))
    try:
        before = (work / 'results.csv').read_bytes()
        with pytest.raises(RuntimeError) as err:
            mnist.main(argv)
        msg = str(err.value)
        assert 'Another MNIST benchmark is running on this work dir' in msg
        assert f'PID {pid} ' in msg and str(work / '.lock') in msg
        assert 'or pass another --work-dir' in msg
        assert state['trained'] == []  # refused before any run
        assert (work / 'results.csv').read_bytes() == before
    finally:
        _stop(pid, signal.SIGKILL)


def test_torn_row_is_reported_and_redone_never_glued(bench, capsys):
    """Fault: The last row of a benchmark's ``results.csv`` torn mid-write
    (a crash or a full disk during the append).
    Result: the rerun warns ``results.csv: dropped 1 torn row(s) (line 5:
    the line is incomplete (no line end))``, keeps it in
    ``results.csv.rejected``, redoes that run only and appends whole
    rows: no line glued onto the torn one.
    """
    argv, state, work = bench
    mnist.main(argv)
    csv_path = work / 'results.csv'
    lines = csv_path.read_text().splitlines(keepends=True)
    assert len(lines) == 5 and lines[-1].startswith('dccd,0,')
    torn = lines[-1][:7]  # 'dccd,0,' and then the process died
    csv_path.write_text(''.join(lines[:-1]) + torn)
    state['trained'].clear()
    capsys.readouterr()
    with pytest.warns(UserWarning) as caught:
        mnist.main(argv)
    message = ' '.join(str(w.message) for w in caught)
    assert f'{csv_path}: dropped 1 torn row(s) (line 5: the line is ' \
        'incomplete (no line end))' in message
    assert '1 runs to do' in capsys.readouterr().out
    assert state['trained'] == [IN_FLIGHT]
    again = csv_path.read_text().splitlines(keepends=True)
    assert again[:-1] == lines[:-1]  # earlier rows byte for byte
    assert again[-1].startswith('dccd,0,') and again[-1].endswith('\n')
    assert (work / 'results.csv.rejected').read_text() == torn + '\n'
    assert _store_rows_strictly(work) == [
        ('teacher', '0'), ('student', '0'), ('kd', '0'), ('dccd', '0')]
