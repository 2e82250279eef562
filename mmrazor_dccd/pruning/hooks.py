# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Stop a pruning run when the student reaches a FLOPs budget."""
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from mmrazor.registry import HOOKS
from .export import count_resources


@HOOKS.register_module()
class FlopsTargetHook(Hook):
    """Count the pruned student's FLOPs and end training at a target.

    MMRazor's ``ResourceInfoHook`` saves checkpoints at FLOPs thresholds but
    ends the *process* (``exit()``) when done; this hook only ends the
    training loop, so a pipeline can export and fine-tune in the same
    process. The ratio is logged as ``prune/flops_ratio``.

    Args:
        target_ratio (float): Stop once FLOPs <= ``target_ratio`` x
            ``reference_flops``.
        input_shape (Sequence[int]): One input of the counter, the model's
            real input (e.g. ``(1, 1, 28, 28)``).
        reference_flops (float, optional): FLOPs (M) the ratio refers to,
            e.g. the unpruned teacher's in a cascade. Defaults to None (the
            student's FLOPs before training).
        interval (int): Iterations between two counts. Defaults to 5.
    """

    priority = 'LOW'

    def __init__(self,
                 target_ratio: float,
                 input_shape: Sequence[int],
                 reference_flops: Optional[float] = None,
                 interval: int = 5) -> None:
        if not 0 < target_ratio <= 1:
            raise ValueError(f'target_ratio must be in (0, 1], got '
                             f'{target_ratio}.')
        self.target_ratio = target_ratio
        self.reference_flops = reference_flops
        self.interval = interval
        self.input_shape = input_shape
        self.ratio = 1.0
        self.reached = False

    def _student(self, runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        return model.architecture

    def _measure(self, runner) -> float:
        flops = count_resources(self._student(runner), self.input_shape)
        self.ratio = flops['flops'] / self.reference_flops
        runner.message_hub.update_scalar('prune/flops_ratio', self.ratio)
        return self.ratio

    def before_train(self, runner) -> None:
        if self.reference_flops is None:
            self.reference_flops = count_resources(self._student(runner),
                                                   self.input_shape)['flops']
        self.reached = self._measure(runner) <= self.target_ratio

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        if (runner.iter + 1) % self.interval:
            return
        if self._measure(runner) <= self.target_ratio:
            self.reached = True
            runner.train_loop.stop_training = True
            print_log(
                f'FlopsTargetHook: FLOPs at {self.ratio:.3f} of '
                f'{self.reference_flops:.2f}M after {runner.iter + 1} '
                'iterations; pruning ends.',
                logger='current')

    def after_train(self, runner) -> None:
        if not self.reached:
            print_log(
                f'FlopsTargetHook: FLOPs at {self.ratio:.3f}, target '
                f'{self.target_ratio}. Raise train_cfg.max_iters or lower '
                'the pruning interval to reach it.',
                logger='current',
                level=30)
