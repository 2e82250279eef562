# Copyright (c) mmrazor-dccd contributors. All rights reserved.
import pytest
from dccd_test_utils import REPO

import mmrazor_dccd  # noqa: F401  (compat layer before any MMRazor import)


@pytest.fixture(scope='session')
def repo():
    return REPO


# The fast tier (`make test-fast`, under 90 s on 2 cores): pure losses,
# distiller wiring, config parsing, compat, stores and reports, fault
# messages. Other modules mark single fast tests with @pytest.mark.fast.
FAST_MODULES = {
    'test_models/test_losses.py', 'test_models/test_dccd_distill.py',
    'test_benchmark/test_benchmark_report.py',
    'test_compat/test_targets.py', 'test_compat_mmcls/test_config_port.py',
    'test_compat_mmcls/test_mmcls_alias.py', 'test_tools/test_cli.py',
    'test_tools/test_package_configs.py', 'test_faults/test_fault_config.py',
    'test_faults/test_fault_converter.py', 'test_faults/test_fault_data.py',
    'test_faults/test_fault_inputs.py',
    'test_faults/test_fault_checkpoints.py', 'test_faults/test_catalogue.py',
    'test_pruning/test_report.py', 'test_pruning/test_export.py',
    'test_pruning/test_recorders.py', 'test_reliability/test_bad_inputs.py',
    'test_dependencies.py', 'test_configs/test_config_keys_take_effect.py',
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.nodeid.split('::')[0]
        if path.startswith('tests/') and path[len('tests/'):] in FAST_MODULES:
            item.add_marker(pytest.mark.fast)
