# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Serve MMRazor's ``mmcls`` imports and scope from MMPretrain, in memory.

MMRazor 1.0.0 was written for MMClassification 1.x (``mmcls``), which became
MMPretrain. Without ``mmcls``, about twenty MMRazor modules fall back to
placeholders (pruning demo inputs and loss calculators, searchable backbones,
heads, CRD packing), and configs with ``_scope_='mmcls'`` or
``type='mmcls.ImageClassifier'`` do not build. :func:`apply` makes ``mmcls``
resolve to MMPretrain for everything in the process:

* modules: ``import mmcls.X.Y`` gives an alias of ``mmpretrain.X.Y`` (an
  import hook placed *last* on ``sys.meta_path``; no file is written);
  renamed names follow MMPretrain (``ClsDataSample`` -> ``DataSample``,
  ``PackClsInputs`` -> ``PackInputs``, ``ClsVisualizer`` ->
  ``UniversalVisualizer``);
* registries: every MMPretrain registry gets a sibling with scope ``mmcls``
  that shares its entries, so ``_scope_='mmcls'``, ``'mmcls.ResNet'`` and
  ``default_scope='mmcls'`` build MMPretrain's classes;
* configs: ``mmcls::`` paths (``_base_``, ``get_model``, ``cfg_path``)
  resolve in MMPretrain's package.

A name with no MMPretrain counterpart raises :class:`MMClsNameError` saying
so. Nothing is done when a real ``mmcls`` is installed.
"""
import ast
import importlib
import importlib.abc
import importlib.util
import inspect
import sys
import types
import warnings
from typing import Optional

MMCLS, MMPRETRAIN = 'mmcls', 'mmpretrain'
# MMClassification 1.x names that MMPretrain 1.x renamed.
NAME_RENAMES = {
    'ClsDataSample': 'DataSample',
    'PackClsInputs': 'PackInputs',
    'ClsVisualizer': 'UniversalVisualizer',
}
MODULE_RENAMES = {
    'mmcls.structures.cls_data_sample': 'mmpretrain.structures.data_sample',
    'mmcls.visualization.cls_visualizer':
    'mmpretrain.visualization.visualizer',
}


class MMClsNameError(ImportError, KeyError):
    """An ``mmcls`` module, attribute or registry name that MMPretrain lacks.

    An ``ImportError`` so that ``from mmcls.x import y`` shows this message
    (Python replaces an ``AttributeError`` there by a generic one), and a
    ``KeyError`` like MMEngine's own unknown-type error.
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ''


def _no_counterpart(mmcls_name: str, looked_for: str) -> MMClsNameError:
    return MMClsNameError(
        f'`{mmcls_name}` has no MMPretrain counterpart (looked for '
        f'`{looked_for}`). mmrazor_dccd serves MMClassification (`mmcls`) '
        'from MMPretrain, which renamed or dropped a few of its names; use '
        'the MMPretrain name instead (see docs/compat.md).')


def mmpretrain_module_name(name: str) -> str:
    """``'mmcls.structures.cls_data_sample'`` -> MMPretrain's module name."""
    return MODULE_RENAMES.get(name, MMPRETRAIN + name[len(MMCLS):])


class _MMClsModule(types.ModuleType):
    """An ``mmcls`` module whose attributes are MMPretrain's."""

    def __getattr__(self, name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        target = self.__dict__['__mmpretrain__']
        new = NAME_RENAMES.get(name, name)
        value = getattr(target, new, None)
        if isinstance(value, types.ModuleType):
            return importlib.import_module(f'{self.__name__}.{name}')
        if value is None and not hasattr(target, new):
            raise _no_counterpart(f'{self.__name__}.{name}',
                                  f'{target.__name__}.{new}')
        return value

    def __dir__(self):
        return sorted(set(dir(self.__dict__['__mmpretrain__'])))


class MMClsAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import hook: ``mmcls[.X]`` -> an alias module of ``mmpretrain[.X]``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != MMCLS and not fullname.startswith(MMCLS + '.'):
            return None
        # The top package's origin is MMPretrain's, so MMEngine's
        # `get_installed_path('mmcls')` finds MMPretrain's `.mim/configs`
        # (without it: "mmcls is a namespace package").
        origin = None
        if fullname == MMCLS:
            target = importlib.util.find_spec(MMPRETRAIN)
            origin = target.origin if target is not None else None
        return importlib.util.spec_from_loader(fullname, self, origin=origin,
                                               is_package=True)

    def create_module(self, spec):
        target_name = mmpretrain_module_name(spec.name)
        try:
            target = importlib.import_module(target_name)
        except ModuleNotFoundError as exc:
            if exc.name != target_name:
                raise
            raise _no_counterpart(spec.name, target_name) from None
        module = _MMClsModule(spec.name, target.__doc__)
        module.__mmpretrain__ = target
        return module

    def exec_module(self, module) -> None:
        """Nothing to run: attributes are looked up in MMPretrain."""


def _alias_registries() -> None:
    """Give every MMPretrain registry a sibling registry in scope ``mmcls``."""
    import mmpretrain.registry as pretrain_registry
    from mmengine.registry import Registry

    class MMClsRegistry(Registry):
        """MMPretrain's registry seen from scope ``mmcls`` (shared entries)."""

        def __init__(self, target: Registry) -> None:
            # A root registry (no parent) gets the alias as its child, so a
            # default scope 'mmcls' still finds it.
            super().__init__(target.name, build_func=target.build_func,
                             parent=target.parent or target, scope=MMCLS,
                             locations=list(target._locations))
            self._module_dict = target._module_dict
            self.target = target

        def get(self, key: str):
            scope, name = self.split_scope_key(key)
            if scope in (None, MMCLS):
                key = NAME_RENAMES.get(name, name)
            obj = super().get(key)
            if obj is None:
                raise _no_counterpart(
                    f'{MMCLS}.{name}',
                    f"'{key}' in MMPretrain's {self.name!r} registry")
            return obj

    for target in vars(pretrain_registry).values():
        if not isinstance(target, Registry) or target.scope != MMPRETRAIN:
            continue
        parent = target.parent or target
        if MMCLS not in parent._children:
            MMClsRegistry(target)


def _repair_imported_mmrazor() -> None:
    """Rebind ``mmcls`` placeholders in MMRazor modules imported earlier.

    MMRazor imports ``mmcls`` names in ``try``/``except`` and keeps a
    placeholder on failure. Functions and classes used at call time are
    rebound; a class already *derived* from a placeholder cannot be, and is
    named in a warning.
    """
    broken = []
    for mod_name, module in list(sys.modules.items()):
        if not mod_name.startswith('mmrazor.') or module is None:
            continue
        stale = {k for k, v in vars(module).items()
                 if isinstance(v, type) and v.__name__ == 'PlaceHolder'}
        if not stale:
            continue
        try:
            tree = ast.parse(inspect.getsource(module))
        except (OSError, TypeError):
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.split('.')[0] == MMCLS):
                for alias in node.names:
                    if (alias.asname or alias.name) in stale:
                        setattr(module, alias.asname or alias.name,
                                getattr(importlib.import_module(node.module),
                                        alias.name))
        broken += [f'{mod_name}.{k}' for k, v in vars(module).items()
                   if isinstance(v, type) and v.__module__ == mod_name
                   and any(b.__name__ == 'PlaceHolder' for b in v.__mro__)]
    if broken:
        warnings.warn(
            'MMRazor was imported before mmrazor_dccd, without `mmcls`; these '
            f'classes keep a placeholder base and will not work: {broken}. '
            'Import mmrazor_dccd before mmrazor.')


def real_mmcls_installed() -> bool:
    """Whether a real MMClassification is importable (then nothing is done)."""
    if isinstance(sys.modules.get(MMCLS), _MMClsModule):
        return False
    return importlib.util.find_spec(MMCLS) is not None


def apply() -> Optional[MMClsAliasFinder]:
    """Serve ``mmcls`` from MMPretrain; idempotent.

    Returns:
        MMClsAliasFinder | None: The installed import hook, or None when a
        real ``mmcls`` is installed and left alone.
    """
    finder = next((f for f in sys.meta_path
                   if isinstance(f, MMClsAliasFinder)), None)
    if finder is None:
        if real_mmcls_installed():
            return None
        finder = MMClsAliasFinder()
        sys.meta_path.append(finder)  # last: never shadows a real package
    from mmengine.config.utils import MODULE2PACKAGE
    MODULE2PACKAGE[MMCLS] = MMPRETRAIN  # `mmcls::x.py` -> MMPretrain's file
    _alias_registries()
    _repair_imported_mmrazor()
    return finder
