# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A DCCD teacher without weights is warned about unless meant."""
import copy
import logging

import pytest
from mmengine.logging import MMLogger

from mmrazor.registry import MODELS

pytestmark = pytest.mark.fast


class _Records(logging.Handler):

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _build_warnings(cfg, **model):
    handler = _Records()
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        model_cfg = copy.deepcopy(cfg.model)
        model_cfg.update(model)
        MODELS.build(model_cfg)
    finally:
        logger.removeHandler(handler)
    return [m for m in handler.messages if 'teacher_ckpt' in m]


def test_missing_teacher_checkpoint_warns_naming_the_opt_in(
        reference_cfg, mmrazor_scope):
    """Fault: ``model.teacher_ckpt=None`` on ``DCCDDistill`` (trained from a
    random teacher; only a ``teacher.accuracy/top1: 9.2`` line showed it).
    Result: a warning at build: ```model.teacher_ckpt` is not set: the
    teacher keeps its random initialisation ... Set `model.teacher_ckpt`
    ... or `model.random_teacher=True` if a random teacher is meant (a
    knowledge control)``; the opt-in silences it (a warning, not an error:
    ``load_from`` / ``--resume`` / ``tools/test.py`` load the teacher after
    the build).
    """
    warned = _build_warnings(reference_cfg, teacher_ckpt=None)
    assert len(warned) == 1
    assert 'random initialisation' in warned[0]
    assert '`model.random_teacher=True`' in warned[0]
    assert not _build_warnings(reference_cfg, teacher_ckpt=None,
                               random_teacher=True)
