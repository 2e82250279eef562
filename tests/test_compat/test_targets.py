# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Every compatibility patch names the upstream release it was written
against; an upgrade of that release fails here, naming what to re-check."""
import importlib.metadata as metadata

import pytest

from mmrazor_dccd import compat

pytestmark = pytest.mark.fast


@pytest.mark.parametrize('patch', sorted(compat.TARGETS))
def test_installed_versions_are_the_patch_targets(patch):
    wrong = {dist: (want, metadata.version(dist))
             for dist, want in compat.TARGETS[patch].items()
             if metadata.version(dist) != want}
    assert not wrong, (
        f'mmrazor_dccd.compat.{patch} was written against {wrong} '
        '(wanted, installed): re-check that patch against the new release, '
        'then update compat.TARGETS.')


def test_every_patch_module_has_a_target_and_apply():
    modules = {'torch_quantization', 'mmcls', 'checkpoints', 'configs'}
    assert set(compat.TARGETS) == modules
    for name in modules:
        assert callable(getattr(getattr(compat, name), 'apply'))


def test_apply_is_idempotent():
    from mmengine.runner.checkpoint import CheckpointLoader, load_from_local
    compat.apply()
    compat.apply()
    # The loader wraps MMEngine's own, never a wrapper of a wrapper.
    assert CheckpointLoader._schemes[''].__wrapped_loader__ is \
        load_from_local
