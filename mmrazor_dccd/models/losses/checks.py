# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The argument checks the DCCD losses share.

A loss checks its own arguments when it is built and names itself
(``ChannelContrastiveLoss.tau ...``); a caller that knows the config key
holding the loss re-raises the error under that key with
:meth:`LossArgumentError.under` (``cc_loss.tau ...``) instead of checking
again.
"""
import math
from numbers import Real
from typing import Optional


class LossArgumentError(Exception):
    """A bad loss argument whose message names ``owner.name`` and the fix.

    Args:
        name (str): The argument, e.g. ``'tau'``.
        template (str): The message; ``{key}`` becomes ``owner.name``.
        owner (str): Who holds the argument: the loss class, or the config
            key of the loss.
    """

    def __init__(self, name: str, template: str, owner: str) -> None:
        self.name, self.template, self.owner = name, template, owner
        # replace, not format: a value's repr may hold braces.
        super().__init__(template.replace('{key}', f'{owner}.{name}'))

    def under(self, owner: str) -> 'LossArgumentError':
        """The same error, named by the config key ``owner``."""
        return type(self)(self.name, self.template, owner)


class LossValueError(LossArgumentError, ValueError):
    """A loss argument of the right type and a wrong value."""


class LossTypeError(LossArgumentError, TypeError):
    """A loss argument of the wrong type (e.g. a quoted number)."""


def check_loss_args(owner: str,
                    loss_weight,
                    tau=None,
                    choices: Optional[dict] = None) -> None:
    """Refuse a bad weight, temperature or option of a loss.

    Args:
        owner (str): Named in the error: the loss class or its config key.
        loss_weight: Finite and >= 0; zero switches the term off.
        tau (optional): A positive, finite temperature; None skips it.
        choices (dict, optional): ``name: (value, allowed values)``.
    """
    fix = ('Fix: set {key} to a finite number >= 0 (0 switches the term '
           'off; or set the loss to None).')
    if isinstance(loss_weight, bool) or not isinstance(loss_weight, Real):
        raise LossTypeError(
            'loss_weight', f'{{key}} must be a number, got {loss_weight!r} '
            f'({type(loss_weight).__name__}). {fix}', owner)
    if not math.isfinite(loss_weight) or loss_weight < 0:
        raise LossValueError(
            'loss_weight', f'{{key}} is {loss_weight!r}: a loss weight must '
            f'be finite and >= 0 (a negative weight maximises the loss). '
            f'{fix}', owner)
    if tau is not None and (isinstance(tau, bool)
                            or not isinstance(tau, Real)
                            or not math.isfinite(tau) or tau <= 0):
        raise LossValueError(
            'tau', f'{{key}} must be a positive, finite temperature, got '
            f'{tau!r}: the loss divides by it. Fix: set {{key}} > 0, or '
            'remove it for the default.', owner)
    for name, (value, allowed) in (choices or {}).items():
        if value not in allowed:
            raise LossValueError(
                name, f'{{key}} is {value!r}; use one of {tuple(allowed)}.',
                owner)
