# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Name the fix for a misspelt config key before anything is built.

A misspelt argument otherwise surfaces as Python's ``TypeError: ...
__init__() got an unexpected keyword argument``, often naming a base class
(``BaseDistiller`` for a typo in ``DCCDDistiller``) and never the right key.
"""
import difflib
import inspect
from typing import List, Optional, Set

from mmrazor.registry import MODELS


def accepted_args(cls: type) -> Optional[Set[str]]:
    """Keyword arguments ``cls(...)`` accepts, following ``**kwargs`` up the
    MRO; None when they cannot be known (``**kwargs`` that go elsewhere)."""
    names: Set[str] = set()
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters.values()
        names |= {p.name for p in params if p.kind in (
            p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {'self'}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names
        try:  # **kwargs forwarded somewhere other than super(): unknown
            if 'super().__init__(' not in inspect.getsource(klass.__init__):
                return None
        except (OSError, TypeError):
            return None
    return None


def unknown_keys(cfg: dict, where: str = 'model',
                 scope: str = 'mmrazor') -> List[str]:
    """One message per unknown key in a model config and its sub-configs."""
    errors = []
    if not isinstance(cfg, dict):
        return errors
    scope = cfg.get('_scope_', scope)
    type_ = cfg.get('type')
    cls = None
    if isinstance(type_, str):
        cls = MODELS.get(type_ if '.' in type_ else f'{scope}.{type_}')
    elif isinstance(type_, type):
        cls = type_
    # Builder functions (e.g. MMRazor's PrunedStaticModel) are not checked.
    allowed = accepted_args(cls) if inspect.isclass(cls) else None
    for key, value in cfg.items():
        if allowed is not None and key not in allowed and key not in (
                'type', '_scope_'):
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ''
            errors.append(
                f"{where}.{key}: {cls.__name__} has no argument '{key}'; "
                f"{hint}it accepts {', '.join(sorted(allowed))}.")
        # MMRazor's ``dict(type=..., default_args=...)`` is not a kwargs dict.
        if isinstance(value, dict) and 'default_args' not in value:
            errors += unknown_keys(value, f'{where}.{key}', scope)
    return errors


def check_model_keys(cfg) -> None:
    """Raise ``TypeError`` naming every misspelt key of ``cfg.model``.

    Args:
        cfg (Config): A full config; only ``cfg.model`` is checked.
    """
    errors = unknown_keys(cfg.get('model', {}))
    if errors:
        raise TypeError('Unknown config key(s):\n  ' + '\n  '.join(errors) +
                        '\nFix the key(s) in the config or --cfg-options.')
