# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""MMRazor on current torch through mmrazor_dccd.compat."""
import ast
import glob
import io
import os.path as osp
import subprocess
import sys

import pytest
import torch

import mmrazor
from mmrazor_dccd import compat


def _decorated_registrations():
    """(registry module, registry name, class) for every
    ``@REGISTRY.register_module()`` class in MMRazor's package (its
    ``testing`` helpers excluded), resolving which registry (MMRazor's or
    MMEngine's) each file imported."""
    root = osp.dirname(mmrazor.__file__)
    found = set()
    for path in glob.glob(osp.join(root, '**', '*.py'), recursive=True):
        rel = osp.relpath(path, root)
        if rel.startswith(('structures/quantization', 'testing')):
            continue  # the package the compat layer disables; test helpers
        tree = ast.parse(open(path, encoding='utf-8').read())
        imported = {
            alias.asname or alias.name: node.module
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for dec in node.decorator_list:
                if (isinstance(dec, ast.Call)
                        and isinstance(dec.func, ast.Attribute)
                        and dec.func.attr == 'register_module'
                        and isinstance(dec.func.value, ast.Name)
                        and not dec.args and not dec.keywords):
                    reg = dec.func.value.id
                    found.add((imported.get(reg, 'mmrazor.registry'), reg,
                               node.name))
    return found


def test_import_chain():
    """In a fresh interpreter MMRazor 1.0.0 does not import on this torch;
    after ``import mmrazor_dccd`` it does, with its models registered."""
    import subprocess
    import sys
    bare = subprocess.run([sys.executable, '-c', 'import mmrazor.models'],
                          capture_output=True, text=True, timeout=300)
    assert bare.returncode != 0  # the control: the compat layer is needed
    code = ('import mmrazor_dccd, mmrazor.models, mmrazor.engine\n'
            'from mmrazor.registry import MODELS\n'
            'from mmrazor.models import SingleTeacherDistill\n'
            "assert MODELS.get('SingleTeacherDistill') is "
            'SingleTeacherDistill\n'
            "assert MODELS.get('ItePruneAlgorithm') is not None\n")
    fixed = subprocess.run([sys.executable, '-c', code], capture_output=True,
                           text=True, timeout=300)
    assert fixed.returncode == 0, fixed.stderr[-3000:]


def test_registries_complete():
    import importlib

    import mmrazor.datasets  # noqa: F401
    import mmrazor.engine  # noqa: F401
    import mmrazor.models  # noqa: F401
    from mmrazor import registry
    expected = _decorated_registrations()
    assert len(expected) > 100
    missing = sorted(
        f'{module}.{reg}.{name}' for module, reg, name in expected
        if name not in getattr(importlib.import_module(module),
                               reg).module_dict)
    assert not missing
    # The families users combine with DCCD are all there.
    models = registry.MODELS.module_dict
    for name in ('SingleTeacherDistill', 'FpnTeacherDistill',
                 'ConfigurableDistiller', 'KLDivergence', 'DKDLoss',
                 'CRDLoss',
                 'ConvModuleConnector', 'ItePruneAlgorithm',
                 'GroupFisherAlgorithm', 'ChannelMutator'):
        assert name in models, name
    assert 'ModuleOutputsRecorder' in registry.TASK_UTILS.module_dict


def test_quantization_raises_clear_error():
    from mmrazor.registry import MODELS
    with pytest.raises(compat.QuantizationUnavailableError,
                       match='torch==1.13'):
        MODELS.build(dict(type='TorchNativeQuantizer', global_qconfig={}))
    from mmrazor.structures.quantization import BackendConfigs
    with pytest.raises(compat.QuantizationUnavailableError):
        BackendConfigs['native']


def test_compat_works_after_a_failed_plain_import():
    """Plain MMRazor fails on this torch; the plugin imported after that
    failure (same process) still makes it work."""
    code = ('try:\n    import mmrazor.models\nexcept Exception as e:\n'
            '    print("plain import failed:", type(e).__name__)\n'
            'else:\n    raise SystemExit("plain import unexpectedly worked")\n'
            'import mmrazor_dccd, mmrazor.models\n'
            'print("ok", len(mmrazor.registry.MODELS.module_dict))\n')
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'plain import failed' in proc.stdout and 'ok' in proc.stdout


def test_safe_loader_accepts_mmengine_objects_and_refuses_others(tmp_path):
    import numpy as np
    from mmengine.logging import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(1.5)
    path = tmp_path / 'ok.pth'
    torch.save({'message_hub': {'log': buf, 'arr': np.arange(3.)}}, path)
    loaded = torch.load(path)  # weights_only=True by default
    assert loaded['message_hub']['log'].current() == 1.5

    bad = tmp_path / 'bad.pth'
    torch.save({'x': io.BytesIO(b'')}, bad)
    with pytest.raises(Exception, match='Unsupported global'):
        torch.load(bad)
