# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Make ``randomness.deterministic=True`` bitwise reproducible on CPU."""
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmrazor.registry import HOOKS


@HOOKS.register_module()
class CPUDeterminismHook(Hook):
    """Turn oneDNN (MKL-DNN) off for deterministic CPU runs.

    ``randomness.deterministic=True`` makes MMEngine call
    ``torch.use_deterministic_algorithms(True)``, which covers CUDA kernels
    only. On CPU, PyTorch's oneDNN convolutions give results that differ in
    the last bits depending on where their buffers land in memory, so two
    runs with the same seed and data (for example an interrupted run resumed
    from its checkpoint, or a run that saved checkpoints more often) drift
    apart by about 1e-7 per step. Without oneDNN, PyTorch's own CPU
    convolutions are bitwise reproducible. Nothing changes when
    deterministic algorithms are off or the model is on a GPU.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        self._mkldnn = torch.backends.mkldnn.enabled
        params = list(runner.model.parameters())
        on_cpu = not params or params[0].device.type == 'cpu'
        if torch.are_deterministic_algorithms_enabled() and on_cpu \
                and self._mkldnn:
            torch.backends.mkldnn.enabled = False
            print_log(
                'Deterministic CPU run: oneDNN disabled, its convolutions '
                'are not bitwise reproducible.', logger='current')

    def after_run(self, runner) -> None:
        torch.backends.mkldnn.enabled = self._mkldnn
