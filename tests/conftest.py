# Copyright (c) mmrazor-dccd contributors. All rights reserved.
import pytest
from dccd_test_utils import REPO

import mmrazor_dccd  # noqa: F401  (compat layer before any MMRazor import)


@pytest.fixture(scope='session')
def repo():
    return REPO
