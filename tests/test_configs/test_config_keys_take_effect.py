# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Every key a config sets takes effect.

A config key no code reads is silently ignored: MMRazor's ``CRDLoss``
stores ``loss_weight`` and never uses it, and a top-level ``alpha = 0.0``
that nothing refers to documents a knob that does not exist.

For every config under ``configs/`` (distillation, teachers and students,
pruning, detection) the model is built on CPU (teacher checkpoints off, as
in ``test_all_configs.py``) while every ``Registry.build`` call is
recorded. Each key the config sets in a dict built that way must be

* an ``__init__`` argument of the class built, or of a base class its
  ``**kwargs`` reach through ``super().__init__``, and
* used: read by that ``__init__`` beyond storing it on ``self`` or passing
  it to a base ``__init__`` (which is then checked the same way), or, when
  only stored as ``self.<attr>``, that attribute read by a method of the
  class built (its MRO).

What the source cannot tell passes: classes without Python source and
``**kwargs`` handed to something other than a base ``__init__``.

Separately, every top-level variable of a config must be read by the config
itself, by a config inheriting it (``_base_.name``) or by MMEngine's Runner.
"""
import ast
import copy
import glob
import inspect
import os.path as osp
import re
import textwrap
from functools import lru_cache

import mmengine.config.utils as mmengine_config_utils
import mmengine.hub.hub as mmengine_hub
import pytest
from mmengine.config import ConfigDict
from mmengine.registry import MODELS, Registry, init_default_scope
from mmengine.runner import Runner

from mmrazor.models.losses import CRDLoss
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.models.distillers import DCCDDistiller
from mmrazor_dccd.models.losses import ChannelContrastiveLoss, WeightedCRDLoss

pytestmark = pytest.mark.fast

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in osp.relpath(p, REPO).split(osp.sep))
# Keys MMEngine reads from a config besides Runner.__init__'s arguments.
CONFIG_KEYS = {'_base_', 'custom_imports', 'find_unused_parameters',
               'model_wrapper_cfg', 'compile'}


@pytest.fixture(scope='module', autouse=True)
def cached_metafile_lookup():
    """Memoise MMEngine's metafile lookup for ``mmpretrain::`` paths (about
    1 s each otherwise), as ``test_all_configs.py`` does."""
    real = mmengine_config_utils._get_cfg_metainfo
    cache = {}

    def memo(package_path, cfg_name):
        key = (package_path, cfg_name)
        if key not in cache:
            try:
                cache[key] = (True, real(package_path, cfg_name))
            except Exception as exc:
                cache[key] = (False, exc)
        ok, value = cache[key]
        if not ok:
            raise value
        return copy.deepcopy(value)

    patch = pytest.MonkeyPatch()
    patch.setattr(mmengine_config_utils, '_get_cfg_metainfo', memo)
    patch.setattr(mmengine_hub, '_get_cfg_metainfo', memo)
    yield
    patch.undo()


@lru_cache(maxsize=None)
def _class_ast(klass):
    """The parsed source of a class, or None (builtins, C extensions)."""
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(klass)))
    except (OSError, TypeError, SyntaxError):
        return None


def _init_ast(klass):
    tree = _class_ast(klass)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == '__init__':
            return node
    return None


def _forwards_to_super(init):
    """Does this ``__init__`` pass its ``**kwargs`` on to ``super()``?"""
    kwargs = init.args.kwarg.arg
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and isinstance(
                node.func, ast.Attribute) and node.func.attr == '__init__':
            if any(k.arg is None and isinstance(k.value, ast.Name)
                   and k.value.id == kwargs for k in node.keywords):
                return True
    return False


def _self_reads(klass, attr):
    """Is ``self.<attr>`` read anywhere in the classes of ``klass``'s MRO?
    """
    for base in klass.__mro__:
        tree = _class_ast(base)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == attr and \
                    isinstance(node.ctx, ast.Load) and isinstance(
                        node.value, ast.Name) and node.value.id == 'self':
                return True
            # getattr(self, 'attr'), as some OpenMMLab code reads options
            if isinstance(node, ast.Constant) and node.value == attr:
                return True
    return False


def key_problem(klass, key, start=0):
    """Why config key ``key`` has no effect on ``klass(...)``; None if it
    has, or if the source cannot tell (no source, ``**kwargs`` passed
    somewhere other than a base ``__init__``)."""
    mro = klass.__mro__
    for i in range(start, len(mro)):
        base = mro[i]
        if '__init__' not in vars(base):
            continue
        init = _init_ast(base)
        if init is None:
            return None
        args = init.args
        names = [a.arg for a in args.args + args.kwonlyargs][1:]
        if key in names:
            return _argument_problem(klass, i, init, key)
        if args.kwarg is None:
            return (f'{klass.__name__} takes no argument {key!r} (it '
                    f"accepts {', '.join(names)})")
        if not _forwards_to_super(init):
            return None
    return None


def _argument_problem(klass, index, init, key):
    """``key`` is an argument of ``klass.__mro__[index].__init__``: is it
    read, stored and read later, or passed on to a base that uses it?"""
    parents = {id(child): node for node in ast.walk(init)
               for child in ast.iter_child_nodes(node)}
    stores, forwards = [], []
    for node in ast.walk(init):
        if not (isinstance(node, ast.Name) and node.id == key
                and isinstance(node.ctx, ast.Load)):
            continue
        parent = parents.get(id(node))
        call = parents.get(id(parent))
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Attribute) \
                and isinstance(parent.targets[0].value, ast.Name) \
                and parent.targets[0].value.id == 'self':
            stores.append(parent.targets[0].attr)
        elif isinstance(parent, ast.keyword) and parent.arg and isinstance(
                call, ast.Call) and isinstance(call.func, ast.Attribute) \
                and call.func.attr == '__init__':
            forwards.append(parent.arg)
        else:
            return None  # used in __init__ itself
    base = klass.__mro__[index]
    where = f'{klass.__name__} ({base.__module__}.{base.__name__})'
    if not stores and not forwards:
        return f'{where} accepts {key!r} but never reads it'
    if any(_self_reads(klass, attr) for attr in stores):
        return None
    for arg in forwards:
        problem = key_problem(klass, arg, index + 1)
        if problem is None:
            return None
    if stores:
        return (f'{where} stores {key!r} as self.{stores[0]} but never '
                'reads it')
    return problem


def _target(registry, cfg):
    """The class (or builder function) ``registry.build(cfg)`` uses."""
    obj_type = cfg.get('type')
    if not isinstance(obj_type, str):
        return obj_type
    with registry.switch_scope_and_registry(cfg.get('_scope_')) as reg:
        return reg.get(obj_type)


class BuildRecorder:
    """Record ``(class, config keys)`` of every ``Registry.build`` call."""

    def __init__(self):
        self.builds = []

    def __enter__(self):
        real = Registry.build
        recorder = self

        def build(registry, cfg, *args, **kwargs):
            if isinstance(cfg, dict) and 'type' in cfg and \
                    'default_args' not in cfg:
                target = _target(registry, cfg)
                if inspect.isclass(target):
                    recorder.builds.append(
                        (target, sorted(set(cfg) - {'type', '_scope_'})))
            return real(registry, cfg, *args, **kwargs)

        self._patch = pytest.MonkeyPatch()
        self._patch.setattr(Registry, 'build', build)
        return self

    def __exit__(self, *exc):
        self._patch.undo()


def _config_paths(node, type_name, key, path='model'):
    """Where the config sets ``key`` for a ``type_name``: in a dict of that
    type, or in a dict without ``type`` that code completes (e.g. a
    partial ``cc_loss=dict(loss_weight=1.0)``)."""
    found = []
    if isinstance(node, dict):
        t = node.get('type')
        if key in node and (t is None or isinstance(t, str)
                            and t.split('.')[-1] == type_name):
            found.append(f'{path}.{key}')
        for k, v in node.items():
            found += _config_paths(v, type_name, key, f'{path}.{k}')
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            found += _config_paths(v, type_name, key, f'{path}.{i}')
    return found


def _buildable(node):
    """Offline copy of a model config: no teacher checkpoint download,
    small CRD memory banks, pruned students as their unpruned
    architecture (``PrunedStaticModel`` is a builder function, not a
    class, and needs an exported structure file)."""
    if isinstance(node, dict):
        if node.get('type') == 'PrunedStaticModel':
            return _buildable(node['architecture'])
        node = {k: _buildable(v) for k, v in node.items()}
        if 'teacher_ckpt' in node:
            node['teacher_ckpt'] = None
        if 'sample_n' in node and 'neg_num' in node:
            node['sample_n'] = node['neg_num'] + 2
        return node
    if isinstance(node, (list, tuple)):
        return type(node)(_buildable(v) for v in node)
    return node


@pytest.mark.parametrize('path', CONFIGS)
def test_every_model_key_takes_effect(path):
    cfg = load_config(osp.join(REPO, path))
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model_cfg = ConfigDict(_buildable(cfg.model.to_dict()))
    with BuildRecorder() as recorder:
        model = MODELS.build(model_cfg)
    assert type(model) is recorder.builds[0][0]
    problems = set()
    for klass, keys in recorder.builds:
        for key in keys:
            problem = key_problem(klass, key)
            # Only keys the config sets: a key code passes on (MMDetection
            # hands model.train_cfg to every head) is not checked.
            where = problem and _config_paths(cfg.model.to_dict(),
                                              klass.__name__, key)
            if where:
                problems.add(f"{path}: {', '.join(where)}: {problem}")
    assert not problems, 'Config keys without effect:\n' + '\n'.join(
        sorted(problems))


def _top_level_names(tree):
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [
            node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    yield name.id


def test_every_top_level_variable_is_read():
    """``alpha, beta, gamma = 0.0, 3.0, 0.0`` with only ``beta`` used
    fails here: ``alpha`` and ``gamma`` look like settings and are not."""
    runner_keys = set(inspect.signature(Runner.__init__).parameters)
    files = sorted(glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                             recursive=True))
    texts = {f: open(f).read() for f in files}
    problems = []
    for path in CONFIGS:
        tree = ast.parse(texts[osp.join(REPO, path)])
        loaded = {n.id for n in ast.walk(tree)
                  if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for name in _top_level_names(tree):
            if name in runner_keys or name in CONFIG_KEYS or name in loaded:
                continue
            inherited = re.compile(rf'_base_\.{re.escape(name)}\b')
            if any(inherited.search(text) for text in texts.values()):
                continue
            problems.append(f'{path}: top-level {name!r} is read by no '
                            'config and not by the Runner')
    assert not problems, '\n'.join(problems)


def test_the_check_tells_used_from_ignored_arguments():
    """The mechanism on known classes: MMRazor's ``CRDLoss`` stores
    ``loss_weight`` and never reads it; ``WeightedCRDLoss`` applies it."""
    assert 'never reads it' in key_problem(CRDLoss, 'loss_weight')
    assert key_problem(WeightedCRDLoss, 'loss_weight') is None
    assert key_problem(WeightedCRDLoss, 'neg_num') is None
    assert key_problem(ChannelContrastiveLoss, 'tau') is None
    assert 'takes no argument' in key_problem(ChannelContrastiveLoss,
                                              'temperature')
    # DCCDDistiller passes **kwargs on to ConfigurableDistiller.
    assert key_problem(DCCDDistiller, 'distill_losses') is None
    assert 'takes no argument' in key_problem(DCCDDistiller,
                                              'feature_layer')
