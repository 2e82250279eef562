# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The model index: every DCCD config is in configs/dccd/metafile.yml, every
metafile entry names a config that exists, the package's model-index.yml
imports it, and every result in the metafile and in configs/dccd/README.md
is the mean of the results-CSV rows it comes from."""
import csv
import glob
import os.path as osp
import re
import statistics

import pytest
import yaml

from mmrazor_dccd.compat import load_config

pytestmark = pytest.mark.fast

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
METAFILE = osp.join(REPO, 'configs', 'dccd', 'metafile.yml')
RESULTS = osp.join(REPO, 'docs', 'results')


def _rows(name):
    with open(osp.join(RESULTS, name), newline='') as f:
        return list(csv.DictReader(f))


def _mean(values):
    return round(statistics.mean(float(v) for v in values), 2)


def _mnist_dccd():
    return [r['top1'] for r in _rows('mnist_benchmark.csv')
            if r['method'] == 'dccd']


def _fmnist_short_dccd_pair_a():
    return [r['test_top1'] for r in _rows('fmnist_benchmark.csv')
            if (r['protocol'], r['pair'], r['method']) == ('v2', 'a', 'dccd')]


# Where each published number comes from: model name -> test top-1 values.
SOURCES = {
    'dccd_r18w16_r18w4_mnist': _mnist_dccd,
    'dccd_r18w16-v2_r18w4_fmnist': _fmnist_short_dccd_pair_a,
}


@pytest.fixture(scope='module')
def models():
    with open(METAFILE) as f:
        return {m['Name']: m for m in yaml.safe_load(f)['Models']}


def test_every_dccd_config_is_indexed(models):
    configs = {osp.relpath(p, REPO) for p in
               glob.glob(osp.join(REPO, 'configs', 'dccd', '*.py'))}
    indexed = {m['Config'] for m in models.values()}
    assert configs == indexed
    for name, model in models.items():
        assert osp.basename(model['Config']) == name + '.py'
    with open(osp.join(REPO, 'mmrazor_dccd', '.mim', 'model-index.yml')) as f:
        assert 'configs/dccd/metafile.yml' in yaml.safe_load(f)['Import']


def test_package_reference_resolves_with_the_index():
    cfg = load_config('mmrazor_dccd::dccd/dccd_r18w16_r18w4_mnist.py')
    assert cfg.model.type == 'DCCDDistill'


def test_results_match_the_csvs(models):
    with_results = {n for n, m in models.items() if m.get('Results')}
    assert with_results == set(SOURCES)
    for name, source in SOURCES.items():
        values = source()
        model = models[name]
        assert len(values) == len(model['Metadata']['Seeds'])
        top1 = model['Results'][0]['Metrics']['Top 1 Accuracy']
        assert top1 == _mean(values), name


def test_readme_table_matches_the_metafile(models):
    with open(osp.join(REPO, 'configs', 'dccd', 'README.md')) as f:
        text = f.read()
    for name, model in models.items():
        row = re.search(r'^\| \[' + re.escape(name) + r'\].*$', text, re.M)
        assert row, f'configs/dccd/README.md has no row for {name}'
        if model.get('Results'):
            top1 = model['Results'][0]['Metrics']['Top 1 Accuracy']
            assert f'| {top1:.2f} |' in row.group(0), name
