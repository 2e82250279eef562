# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Protocol v1 of the Fashion-MNIST benchmark (history; retired next)."""
