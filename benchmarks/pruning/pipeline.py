# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Prune -> export -> fine-tune stages, each one MMEngine Runner.

An :class:`Experiment` names what the stages train: the unpruned
architecture, its input shape and one config per stage (e.g.
``configs/_base_/pruning/r18w16_mnist_experiment.py``). A *model spec* names
a trained model without any pruning algorithm: ``dict(checkpoint=...)`` for
the unpruned model, or ``dict(structure=..., checkpoint=...)`` for an
exported pruned one. Every stage writes its export to ``<work_dir>/<name>/``
and returns a spec of its result, so stages chain (the cascade prunes its
teaching assistant further, with the assistant as teacher).
"""
import copy
import os.path as osp
import shutil
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmrazor_dccd.compat import load_config
from mmrazor_dccd.pruning import (count_resources, export_pruned,
                                  pruned_structure)
from ..common.run_spec import RunSpec, apply_run_spec

STAGES = ('l1', 'l1_dccd', 'groupfisher', 'groupfisher_dccd', 'finetune',
          'finetune_dccd')


@dataclass
class Experiment:
    """What the stages train (no dataset baked in).

    Args:
        architecture (dict): Config of the unpruned model; every model spec
            is built from it.
        input_shape (Sequence[int]): One input of the model, e.g.
            ``(1, 1, 28, 28)``: FLOPs are counted on it.
        stage_configs (dict): Config file per stage, keys in
            :data:`STAGES`.
        l1_kept_ratios (list): ``(FLOPs target, kept channel ratio)`` pairs
            of the ``'l1'`` configs, measured for ``architecture``. Defaults
            to none (``prune('l1', ...)`` then names this field).
    """
    architecture: dict
    input_shape: Sequence[int]
    stage_configs: Dict[str, str]
    l1_kept_ratios: List[Tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        missing = sorted(set(STAGES) - set(self.stage_configs))
        if missing:
            raise ValueError(f'Experiment.stage_configs lacks {missing}; it '
                             f'needs a config for each of {list(STAGES)}.')

    @classmethod
    def fromfile(cls, path: str) -> 'Experiment':
        """Read ``architecture``, ``input_shape``, ``stage_configs``
        (relative to ``path``) and ``l1_kept_ratios`` from a config file."""
        cfg = load_config(path)
        here = osp.dirname(osp.abspath(path))
        return cls(architecture=cfg.architecture.to_dict(),
                   input_shape=tuple(cfg.input_shape),
                   stage_configs={
                       k: osp.normpath(osp.join(here, v))
                       for k, v in cfg.stage_configs.items()
                   },
                   l1_kept_ratios=[
                       tuple(pair) for pair in cfg.get('l1_kept_ratios', [])
                   ])

    def config(self, stage: str):
        """The loaded config of ``stage``."""
        return load_config(self.stage_configs[stage])

    def l1_ratio(self, target_ratio: float) -> float:
        """The L1 configs' kept channel ratio for a FLOPs target."""
        ratios = dict(self.l1_kept_ratios)
        if target_ratio not in ratios:
            raise ValueError(
                f'No L1 kept ratio for the FLOPs target {target_ratio}: '
                f'measured targets are {sorted(ratios)} (--target). For '
                'another target, measure the uniform kept ratio that reaches '
                'it with mmrazor_dccd.pruning.count_resources and add it to '
                "the experiment's l1_kept_ratios, or use --method "
                'groupfisher (any target).')
        return ratios[target_ratio]


@dataclass
class Budget:
    """Data and schedule of every stage (the report's and the tests')."""
    num_per_class: int = 100
    prune_iters: int = 80  # GroupFisher: upper bound, stops at the target
    finetune_iters: int = 60
    batch: int = 32  # images forwarded per step (DCCD: batch/2 x 2 views)
    channels_per_step: int = 8
    val_images: Optional[int] = 200
    test_images: Optional[int] = None  # None = the whole test set
    seed: int = 0


def _unwrap(runner):
    model = runner.model
    return model.module if is_model_wrapper(model) else model


def model_cfg(spec: Dict, arch: dict, input_shape: Sequence[int]) -> dict:
    """A config building ``spec`` (static, weights loaded) from ``arch``."""
    if 'structure' in spec:
        return dict(_scope_='mmrazor',
                    type='PrunedStaticModel',
                    architecture=copy.deepcopy(arch),
                    structure=spec['structure'],
                    checkpoint=spec['checkpoint'],
                    demo_input=tuple(input_shape))
    return dict(copy.deepcopy(arch),
                init_cfg=dict(type='Pretrained',
                              checkpoint=spec['checkpoint']))


def _set_teacher(cfg, teacher: Dict, experiment: Experiment) -> None:
    cfg.model.teacher = model_cfg(teacher, experiment.architecture,
                                  experiment.input_shape)
    # Unpruned teacher: strict load at build time (init_cfg reloads it at
    # init_weights); a pruned one is loaded by PrunedStaticModel.
    cfg.model.teacher_ckpt = None if 'structure' in teacher else teacher[
        'checkpoint']


def _budget(cfg, budget: Budget, iters: int, work_dir: str) -> None:
    # No validation: fine-tuned models are tested once, at the end.
    spec = RunSpec(iters=iters, batch=budget.batch, seed=budget.seed,
                   num_per_class=budget.num_per_class,
                   val_images=budget.val_images,
                   test_images=budget.test_images, val_every=iters,
                   val_begin=iters + 1, save_last=False)
    apply_run_spec(cfg, spec, work_dir, name=osp.basename(work_dir))


def _fresh(work_dir: str) -> None:
    if osp.isdir(work_dir):
        shutil.rmtree(work_dir)


def prune(method: str,
          start: Dict,
          target_ratio: float,
          work_dir: str,
          budget: Budget,
          experiment: Experiment,
          teacher: Optional[Dict] = None,
          reference_flops: Optional[float] = None) -> Dict:
    """Prune ``start`` to ``target_ratio`` of ``reference_flops`` and
    export it.

    Args:
        method (str): ``'l1'`` (ItePruneAlgorithm, uniform ratio) or
            ``'groupfisher'``.
        start (dict): Spec of the model to prune.
        target_ratio (float): FLOPs target (for ``'l1'``, one of the
            experiment's ``l1_kept_ratios`` targets).
        work_dir (str): Stage folder; the export goes to it.
        budget (Budget): Data and schedule.
        experiment (Experiment): Architecture, input and stage configs.
        teacher (dict, optional): Spec of a DCCD teacher: distill while
            pruning. Defaults to None (cross-entropy).
        reference_flops (float, optional): FLOPs the target refers to.
            Defaults to None (``start``'s FLOPs).

    Returns:
        dict: Spec of the pruned model, plus ``flops``, ``params``,
        ``iters`` and ``seconds``.
    """
    if method not in ('l1', 'groupfisher'):
        raise ValueError(f"Unknown pruning method {method!r}; use 'l1' or "
                         "'groupfisher'.")
    cfg = experiment.config(method + ('_dccd' if teacher is not None else ''))
    cfg.model.architecture = model_cfg(start, experiment.architecture,
                                       experiment.input_shape)
    if teacher is not None:
        _set_teacher(cfg, teacher, experiment)
    iters = budget.prune_iters
    if method == 'l1':
        if 'structure' in start:
            raise ValueError('The L1 config prunes the unpruned model only; '
                             'start from the teacher.')
        ratio = experiment.l1_ratio(target_ratio)
        cfg.model.target_pruning_ratio = {
            k: (v if v == 1.0 else ratio)
            for k, v in cfg.model.target_pruning_ratio.items()
        }
        # Prune in (up to) 5 steps over the first half, train the rest.
        cfg.model.prune_times = min(5, iters)
        cfg.model.step_freq = max(iters // (2 * cfg.model.prune_times), 1)
    else:
        cfg.model.mutator.channels_per_step = budget.channels_per_step
        cfg.custom_hooks = [
            dict(type='mmrazor.FlopsTargetHook',
                 target_ratio=target_ratio,
                 reference_flops=reference_flops,
                 input_shape=tuple(experiment.input_shape),
                 interval=1)
        ]
    _budget(cfg, budget, iters, work_dir)
    _fresh(work_dir)
    runner = Runner.from_cfg(cfg)
    start_time = time.time()
    runner.train()
    algorithm = _unwrap(runner)
    out = export_pruned(algorithm, work_dir)
    res = count_resources(out.pop('model'), experiment.input_shape)
    return dict(out,
                **res,
                iters=runner.iter,
                seconds=time.time() - start_time,
                channels=sum(pruned_structure(algorithm.mutator).values()))


def finetune(pruned: Dict,
             work_dir: str,
             budget: Budget,
             experiment: Experiment,
             teacher: Optional[Dict] = None) -> Dict:
    """Fine-tune an exported pruned model alone (CE) or with DCCD from
    ``teacher``; test it; export the fine-tuned student (static).

    Args:
        pruned (dict): Spec of the exported pruned model.
        work_dir (str): Stage folder; the export goes to it.
        budget (Budget): Data and schedule.
        experiment (Experiment): Architecture, input and stage configs.
        teacher (dict, optional): Spec of the DCCD teacher. Defaults to None
            (cross-entropy).

    Returns:
        dict: Spec of the fine-tuned model plus ``top1``, ``flops``,
        ``params`` and ``seconds``.
    """
    cfg = experiment.config('finetune' if teacher is None else 'finetune_dccd')
    student = model_cfg(pruned, experiment.architecture,
                        experiment.input_shape)
    if teacher is None:
        cfg.model = student
    else:
        cfg.model.architecture = student
        _set_teacher(cfg, teacher, experiment)
    _budget(cfg, budget, budget.finetune_iters, work_dir)
    _fresh(work_dir)
    runner = Runner.from_cfg(cfg)
    start_time = time.time()
    runner.train()
    seconds = time.time() - start_time
    top1 = runner.test()['accuracy/top1']
    model = _unwrap(runner)
    student = model.student if hasattr(model, 'student') else model
    ckpt = osp.join(work_dir, 'pruned.pth')
    torch.save({'state_dict': student.state_dict()}, ckpt)
    structure = osp.join(work_dir, 'structure.json')
    shutil.copy(pruned['structure'], structure)
    return dict(structure=structure,
                checkpoint=ckpt,
                top1=float(top1),
                seconds=seconds,
                **count_resources(student, experiment.input_shape))


def cascade(teacher: Dict,
            work_dir: str,
            budget: Budget,
            experiment: Experiment,
            dccd: bool = True,
            targets=(0.5, 0.25)) -> list:
    """Cascaded pruning (Miles & Mikolajczyk 2020): teacher -> teaching
    assistant -> student, each a further-pruned copy of the previous model
    (same architecture, inherited weights). With ``dccd``, every stage is
    pruned by GroupFisher on the gradients of DCCD from *its own* teacher
    (the previous model) and fine-tuned with DCCD from it; without, both
    use cross-entropy only. FLOPs targets refer to the unpruned teacher.

    Args:
        teacher (dict): Spec of the unpruned teacher.
        work_dir (str): Folder of the stages' folders.
        budget (Budget): Data and schedule of every stage.
        experiment (Experiment): Architecture, input and stage configs.
        dccd (bool): Prune and fine-tune with DCCD. Defaults to True.
        targets (Sequence[float]): FLOPs ratio of each stage. Defaults to
            (0.5, 0.25).

    Returns:
        list[dict]: Per stage, ``pruned`` and ``finetuned`` results.
    """
    from mmrazor.registry import MODELS
    reference = count_resources(
        MODELS.build(copy.deepcopy(experiment.architecture)),
        experiment.input_shape)['flops']
    stages, current = [], teacher
    for i, target in enumerate(targets):
        own_teacher = current if dccd else None
        pruned = prune('groupfisher',
                       current,
                       target,
                       osp.join(work_dir, f'stage{i}_prune'),
                       budget,
                       experiment,
                       teacher=own_teacher,
                       reference_flops=reference)
        tuned = finetune(pruned,
                         osp.join(work_dir, f'stage{i}_finetune'),
                         budget,
                         experiment,
                         teacher=own_teacher)
        stages.append(dict(target=target, pruned=pruned, finetuned=tuned))
        current = tuned
    return stages
