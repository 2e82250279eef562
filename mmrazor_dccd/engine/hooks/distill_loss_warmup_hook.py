# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Linear warm-up of distillation loss weights (DKD's warm-up, for any
MMRazor distiller loss)."""
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmrazor.registry import HOOKS


def warmup_factor(progress: int, warmup: int) -> float:
    """``min(progress / warmup, 1)``; ``progress`` counts from 1."""
    return min(float(progress) / warmup, 1.0)


@HOOKS.register_module()
class DistillLossWarmupHook(Hook):
    """Ramp distiller losses' ``loss_weight`` linearly from ~0 to their
    configured value.

    DKD (Zhao et al., CVPR 2022) multiplies its loss by
    ``min(epoch / warmup, 1)`` (20 epochs in the paper); MMRazor's
    ``DKDLoss`` has no warm-up, and at a CE learning rate a confident
    teacher's full DKD term can blow a fresh student up in its first steps.
    This hook sets ``loss_weight = base * min(progress / warmup, 1)`` before
    every training iteration, for the named losses of
    ``model.distiller.distill_losses`` (all by default); ``base`` is the
    value each loss was built with. The factor is computed from the runner's
    iteration (or epoch), so a resumed run continues the same ramp, and the
    configured weights are restored when training ends.

    Args:
        warmup (int): Length of the ramp, in iterations (``by_epoch=False``)
            or epochs (``by_epoch=True``).
        by_epoch (bool): Ramp per epoch, like the DKD paper. Defaults to
            False (per iteration).
        loss_names (Sequence[str], optional): Names in
            ``distiller.distill_losses`` to ramp (e.g. ``['loss_dkd']``).
            Defaults to None (all of them).
    """

    priority = 'HIGH'

    def __init__(self,
                 warmup: int,
                 by_epoch: bool = False,
                 loss_names: Optional[Sequence[str]] = None) -> None:
        if int(warmup) < 1:
            raise ValueError(f'warmup must be >= 1, got {warmup}.')
        self.warmup = int(warmup)
        self.by_epoch = by_epoch
        self.loss_names = None if loss_names is None else list(loss_names)
        self._base, self._targets = None, {}

    def _losses(self, runner) -> dict:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        distiller = getattr(model, 'distiller', None)
        losses = getattr(distiller, 'distill_losses', None)
        if losses is None:
            raise TypeError(
                'DistillLossWarmupHook needs a distillation model with '
                f'`distiller.distill_losses`; {type(model).__name__} has '
                'none. Remove the hook or use an MMRazor distill algorithm.')
        names = self.loss_names if self.loss_names is not None else list(
            losses.keys())
        unknown = [n for n in names if n not in losses]
        if unknown:
            raise KeyError(f'DistillLossWarmupHook: no distill loss named '
                           f'{unknown}; the distiller has '
                           f'{sorted(losses.keys())}.')
        missing = [n for n in names if not hasattr(losses[n], 'loss_weight')]
        if missing:
            raise AttributeError(
                f'DistillLossWarmupHook: losses {missing} have no '
                '`loss_weight` attribute to ramp; list only weighted losses '
                'in `loss_names`.')
        return {n: losses[n] for n in names}

    def before_train(self, runner) -> None:
        # Looked up and checked once; the iterations only rescale.
        self._targets = self._losses(runner)
        self._base = {n: loss.loss_weight for n, loss in self._targets.items()}

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        progress = runner.epoch + 1 if self.by_epoch else runner.iter + 1
        factor = warmup_factor(progress, self.warmup)
        for name, loss in self._targets.items():
            loss.loss_weight = self._base[name] * factor

    def after_train(self, runner) -> None:
        for name, loss in self._targets.items():
            loss.loss_weight = self._base[name]
