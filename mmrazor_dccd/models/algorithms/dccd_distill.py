# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The multi-view DCCD distillation algorithm."""
import logging
import os.path as osp
from typing import Dict, List, Optional

import torch
from mmengine.logging import print_log
from mmengine.runner import load_checkpoint
from mmengine.structures import BaseDataElement

from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.registry import MODELS

TAKES_VIEWS = ('DCCDDistiller', 'MultiViewClsDataPreprocessor',
               'DynamicDifferenceLoss')


def pass_num_views(cfg, num_views: int, key: str):
    """Give the config ``cfg`` of a part that takes ``num_views`` the
    algorithm's value, or refuse another one.

    ``num_views`` is set once, on the algorithm (``model.num_views``): this
    one function passes it to the distiller and the data preprocessor, and
    the distiller passes it on to ``dd_loss``.
    """
    if not isinstance(cfg, dict) or str(cfg.get('type', '')).split(
            '.')[-1] not in TAKES_VIEWS:
        return cfg
    cfg = dict(cfg)
    given = cfg.setdefault('num_views', num_views)
    if given != num_views:
        raise ValueError(
            f'num_views={num_views} is passed to {key}, which has '
            f'num_views={given}. Set num_views once, on the algorithm '
            '(model.num_views): it is passed on to the distiller, its '
            'dd_loss and the data preprocessor.')
    return cfg


@MODELS.register_module()
class DCCDDistill(SingleTeacherDistill):
    """Multi-view distillation of `DCCD
    <https://doi.org/10.1109/TNNLS.2023.3238337>`_.

    The data preprocessor (``MultiViewClsDataPreprocessor``) stacks the
    ``num_views`` views of every image view-major along the batch, so the
    teacher (no grad, eval-mode BN) and the student each run one forward on
    all views and MMRazor's recorders, connectors and distiller work
    unchanged. The student's own loss covers all views; prediction and
    validation are single-view.

    ``num_views`` is set once, here: it is passed on to the distiller (and
    through it to the dynamic difference loss) and to the data
    preprocessor; a different value given there is a build-time error.

    Args:
        num_views (int): Views per training image. Defaults to 1 (``L_cc``
            alone needs one view; ``L_dd`` needs 2 and a ``MultiView``
            train pipeline).
        teacher_ckpt (str, optional): Teacher weights, loaded strictly with
            the safe loader. Defaults to None.
        teacher_ckpt_strict (bool): Refuse a checkpoint whose keys do not fit
            the teacher. Defaults to True.
        random_teacher (bool): Say that a teacher without ``teacher_ckpt``
            is random on purpose (a knowledge control); without it a
            missing ``teacher_ckpt`` is warned about at build. Defaults to
            False.
        check_finite (bool): Stop with an error naming the loss term when a
            loss is NaN or inf. Defaults to True.
        **kwargs: Arguments of :class:`SingleTeacherDistill`.
    """

    def __init__(self,
                 num_views: int = 1,
                 teacher_ckpt: Optional[str] = None,
                 teacher_ckpt_strict: bool = True,
                 random_teacher: bool = False,
                 check_finite: bool = True,
                 **kwargs) -> None:
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, got {num_views}.')
        for key in ('distiller', 'data_preprocessor'):
            kwargs[key] = pass_num_views(kwargs.get(key), num_views, key)
        super().__init__(teacher_ckpt=None, **kwargs)
        self.num_views = num_views
        self.check_finite = check_finite
        if teacher_ckpt:
            self.load_teacher(teacher_ckpt, teacher_ckpt_strict)
        elif not random_teacher:
            # A warning, not an error: a checkpoint loaded after the build
            # (load_from, --resume, tools/test.py's) may hold the teacher.
            print_log(
                '`model.teacher_ckpt` is not set: the teacher keeps its '
                'random initialisation unless a checkpoint loaded after the '
                'build (load_from, --resume, the checkpoint of '
                'tools/test.py) holds it; distilling from a random teacher '
                'teaches noise. Set `model.teacher_ckpt` to the trained '
                'teacher, or `model.random_teacher=True` if a random '
                'teacher is meant (a knowledge control).',
                logger='current', level=logging.WARNING)

    def load_teacher(self, ckpt: str, strict: bool = True) -> None:
        """Load teacher weights, failing loudly on a missing or wrong file."""
        if '://' not in ckpt and not osp.isfile(ckpt):
            raise FileNotFoundError(
                f'Teacher checkpoint {ckpt!r} does not exist. Train the '
                'teacher first (the teacher config with tools/train.py, or '
                '`tools/benchmark/mnist_benchmark.py` for the MNIST teacher) '
                'or set `model.teacher_ckpt` to its path.')
        try:
            load_checkpoint(self.teacher, ckpt, map_location='cpu',
                            strict=strict, revise_keys=[(r'^module\.', '')])
        except RuntimeError as exc:
            raise RuntimeError(
                f'Teacher checkpoint {ckpt!r} does not fit the teacher '
                f'architecture: {exc}\nCheck `model.teacher` against the '
                'config that trained the checkpoint.') from exc
        # The Runner's init_weights() must not re-initialise loaded weights.
        self.teacher._is_init = True
        # The teacher is frozen; load_checkpoint does not touch requires_grad.
        self.teacher.requires_grad_(self.teacher_trainable)

    def _check_views(self, batch_inputs: torch.Tensor,
                     data_samples: Optional[List[BaseDataElement]]) -> None:
        if self.num_views == 1 or not data_samples:
            return
        views = {s.metainfo.get('view_id', 0) for s in data_samples}
        if len(views) != self.num_views:
            raise ValueError(
                f'DCCDDistill(num_views={self.num_views}) got a batch with '
                f'{len(views)} view(s) per image. Wrap the random train '
                "transforms in dict(type='MultiView', num_views="
                f"{self.num_views}, transforms=[[...]]) and use "
                "dict(type='mmrazor.MultiViewClsDataPreprocessor', "
                f'num_views={self.num_views}) as data_preprocessor.')

    def loss(self, batch_inputs: torch.Tensor,
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, torch.Tensor]:
        """Losses of the student, the distiller's terms, all views."""
        self._check_views(batch_inputs, data_samples)
        losses = super().loss(batch_inputs, data_samples)
        if self.check_finite:
            for name, value in losses.items():
                if 'loss' in name and not torch.isfinite(value).all():
                    raise FloatingPointError(
                        f'Loss term {name!r} is {value.detach()}: training '
                        'diverged. Lower the learning rate or that term\'s '
                        'loss_weight, check the teacher checkpoint and '
                        'input normalisation; resume from the last '
                        'checkpoint with --resume.')
        return losses
