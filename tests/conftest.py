# Copyright (c) mmrazor-dccd contributors. All rights reserved.
import pytest

import mmrazor_dccd  # noqa: F401  (compat layer before any MMRazor import)
from dccd_test_utils import REPO


@pytest.fixture(scope='session')
def repo():
    return REPO
