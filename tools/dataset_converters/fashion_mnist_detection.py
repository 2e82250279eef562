# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Write the Fashion-MNIST detection set: real items on canvases, COCO json.

    python tools/dataset_converters/fashion_mnist_detection.py data/fmnist_det

Defaults: 8,000 train / 1,000 val / 1,000 test canvases of 96x96 with 1-4
items of 24-40 px; train canvases from the classification training split,
val from the 5,000 images held out of it, test from the official test set.
Fashion-MNIST is found or installed without downloads (see
mmrazor_dccd.data.prepare_fashion_mnist). The set is written into a
temporary folder and renamed into place with a manifest (arguments and
SHA-256); a second call with the same arguments verifies and reuses it.
"""
import argparse
import json
import os.path as osp

from mmrazor_dccd.data.fashion_mnist_detection import \
    make_fashion_mnist_detection


def parse_args():
    parser = argparse.ArgumentParser(
        description='Make a COCO-format detection set of Fashion-MNIST items')
    parser.add_argument('out_dir', help='output root, e.g. data/fmnist_det')
    parser.add_argument('--num-train', type=int, default=8000)
    parser.add_argument('--num-val', type=int, default=1000)
    parser.add_argument('--num-test', type=int, default=1000)
    parser.add_argument('--canvas-size', type=int, default=96)
    parser.add_argument('--num-objects', type=int, nargs=2, default=(1, 4),
                        metavar=('MIN', 'MAX'), help='items per canvas')
    parser.add_argument('--object-size', type=int, nargs=2, default=(24, 40),
                        metavar=('MIN', 'MAX'),
                        help='side a 28x28 item is rescaled to, in pixels')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--data-root', help='Fashion-MNIST files (default: '
                        'found or installed)')
    return parser.parse_args()


def main():
    args = parse_args()
    root = make_fashion_mnist_detection(
        args.out_dir,
        dict(train=args.num_train, val=args.num_val, test=args.num_test),
        args.canvas_size, args.num_objects, args.object_size, args.seed,
        args.data_root)
    for split in ('train', 'val', 'test'):
        ann = osp.join(root, 'annotations', f'instances_{split}.json')
        with open(ann) as f:
            coco = json.load(f)
        print(f"{split}: {len(coco['images'])} canvases, "
              f"{len(coco['annotations'])} items -> {ann}")


if __name__ == '__main__':
    main()
