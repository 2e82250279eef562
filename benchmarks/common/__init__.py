# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The shared room of the lab: what every experiment builds on.

:mod:`.run_spec` (one run's budget as data), :mod:`.runs` (training and
scoring one config), :mod:`.results_store` (the resumable CSV of finished
runs and the work-dir lock), :mod:`.workers` (``--jobs N``),
:mod:`.teacher` (cached teachers), :mod:`.tuning` (the one grid-extension
rule), :mod:`.stats` (mean +- std, paired differences, confidence
intervals, Holm) and :mod:`.report` (tables and plots). It imports only
the installed package; experiments import it, never the other way.
"""
