# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Step time of DCCD against MMRazor's KD at an equal number of images
forwarded, and the share of the DCCD step spent in the DCCD loss terms.

    python tools/benchmark/step_time.py [--rounds 30] [--images 64]

Both algorithms train the same student from the same teacher on real MNIST
batches (KD: 64 images; DCCD: 32 images x 2 views), measured interleaved in
one process so that machine load affects both alike. The DCCD loss-term
share times the connector + ``L_cc`` + ``L_dd`` forward and backward on the
tensors recorded in a real step. Results go to stdout and
``work_dirs/step_time/step_time.json``.
"""
import argparse
import copy
import json
import os
import os.path as osp
import statistics
import time

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
from mmengine.optim import OptimWrapper  # noqa: E402
from mmengine.registry import DefaultScope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

import mmrazor_dccd  # noqa: E402,F401
from mmrazor.registry import MODELS  # noqa: E402
from mmrazor_dccd.compat import load_config  # noqa: E402

CONFIGS = dict(
    kd='configs/baselines/kd_logits_r18w16_r18w4_mnist.py',
    # The full objective (L_cc + L_dd, two views): what docs/method.md times.
    dccd='configs/dccd/dccd-dd_r18w16_r18w4_mnist.py')


def build(name, images):
    cfg = load_config(osp.join(REPO, CONFIGS[name]))
    cfg.model.teacher_ckpt = None
    views = cfg.model.get('num_views', 1)
    cfg.train_dataloader.batch_size = images // views
    cfg.train_dataloader.dataset.num_per_class = 100
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(copy.deepcopy(cfg.train_dataloader))
    with DefaultScope.overwrite_default_scope('mmrazor'):
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
    model.train()
    optim = OptimWrapper(torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.01,
        momentum=0.9))
    return model, optim, iter(loader), loader


def step(model, optim, it):
    data = next(it)
    start = time.perf_counter()
    model.train_step(data, optim)
    return time.perf_counter() - start


def loss_term_time(model, it, repeats=20):
    """Connector + L_cc + L_dd, forward and backward, on recorded tensors."""
    data = model.data_preprocessor(next(it), True)
    with model.distiller.student_recorders, model.distiller.teacher_recorders:
        with torch.no_grad():
            model.teacher(data['inputs'], data['data_samples'], mode='loss')
        model.student(data['inputs'], data['data_samples'], mode='loss')
    d = model.distiller
    s_feat = d.student_recorders.get_recorder('feat').get_record_data()
    t_feat = d.teacher_recorders.get_recorder('feat').get_record_data()
    s_logit = d.student_recorders.get_recorder('logits').get_record_data()
    t_logit = d.teacher_recorders.get_recorder('logits').get_record_data()
    times = []
    for _ in range(repeats):
        sf = s_feat.detach().requires_grad_()
        sl = s_logit.detach().requires_grad_()
        start = time.perf_counter()
        loss = d.distill_losses['loss_cc'](
            d.connectors['feat_connector'](sf), t_feat.detach())
        loss = loss + d.distill_losses['loss_dd'](sl, t_logit.detach())
        loss.backward()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--images', type=int, default=64,
                        help='images forwarded per step (views included)')
    parser.add_argument('--out', default='work_dirs/step_time')
    args = parser.parse_args()
    runs = {name: build(name, args.images) for name in CONFIGS}
    times = {name: [] for name in CONFIGS}
    for r in range(args.warmup + args.rounds):
        for name, (model, optim, it, _) in runs.items():
            t = step(model, optim, it)
            if r >= args.warmup:
                times[name].append(t)
    med = {name: statistics.median(v) for name, v in times.items()}
    terms = loss_term_time(runs['dccd'][0], runs['dccd'][2])
    result = dict(
        images_per_step=args.images,
        threads=torch.get_num_threads(),
        rounds=args.rounds,
        kd_step_s=med['kd'],
        dccd_step_s=med['dccd'],
        dccd_throughput_vs_kd=med['kd'] / med['dccd'],
        dccd_terms_s=terms,
        dccd_terms_share=terms / med['dccd'])
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'step_time.json'), 'w') as f:
        json.dump(result, f, indent=2)
    print(f"KD   step: {med['kd'] * 1e3:.1f} ms  ({args.images} images)")
    print(f"DCCD step: {med['dccd'] * 1e3:.1f} ms  ({args.images // 2} "
          'images x 2 views)')
    print(f"DCCD throughput / KD throughput: "
          f"{result['dccd_throughput_vs_kd']:.3f}")
    print(f'DCCD loss terms (connector + L_cc + L_dd, fwd+bwd): '
          f"{terms * 1e3:.2f} ms = {result['dccd_terms_share'] * 100:.1f}% "
          'of the DCCD step')


if __name__ == '__main__':
    main()
