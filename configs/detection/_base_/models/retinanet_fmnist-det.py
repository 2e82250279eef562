# RetinaNet on the 1-channel Fashion-MNIST canvases with the Fashion-MNIST
# classifiers' backbones (configs/_base_/models/fmnist_models.py):
# ResNet-18-CIFAR width 16 (teacher) or 4 / 8 (students), stages 3-4
# (strides 4, 8) into a 3-level, 64-channel FPN (strides 4, 8, 16), or the
# MobileNetV2-0.35 student. Anchors of 16-50 px (3 scales x 3 ratios per
# level) cover the set's 24-40 px items. Configs use them as
# _base_.retina_r18w16 etc.
def _retinanet(width, fpn_channels=64):
    return dict(
        _scope_='mmdet',  # also when nested in an MMRazor algorithm
        type='RetinaNet',
        # The classifiers' normalisation (Fashion-MNIST train mean, std).
        data_preprocessor=dict(
            type='DetDataPreprocessor', mean=[72.94], std=[90.02],
            bgr_to_rgb=False, pad_size_divisor=32),
        backbone=dict(
            type='mmpretrain.ResNet_CIFAR', depth=18, in_channels=1,
            stem_channels=width, base_channels=width, out_indices=(2, 3)),
        neck=dict(
            type='FPN', in_channels=[4 * width, 8 * width],
            out_channels=fpn_channels, start_level=0,
            add_extra_convs='on_input', num_outs=3),
        bbox_head=dict(
            type='RetinaHead', num_classes=10, in_channels=fpn_channels,
            stacked_convs=2, feat_channels=fpn_channels,
            anchor_generator=dict(
                type='AnchorGenerator', octave_base_scale=4,
                scales_per_octave=3, ratios=[0.5, 1.0, 2.0],
                strides=[4, 8, 16]),
            bbox_coder=dict(
                type='DeltaXYWHBBoxCoder', target_means=[.0, .0, .0, .0],
                target_stds=[1.0, 1.0, 1.0, 1.0]),
            loss_cls=dict(
                type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
                loss_weight=1.0),
            loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
        train_cfg=dict(
            assigner=dict(
                type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
                min_pos_iou=0, ignore_iof_thr=-1),
            sampler=dict(type='PseudoSampler'),
            allowed_border=-1, pos_weight=-1, debug=False),
        test_cfg=dict(
            nms_pre=1000, min_bbox_size=0, score_thr=0.05,
            nms=dict(type='nms', iou_threshold=0.5), max_per_img=100))


def _mobilenet_v2():
    """The same detector on the MobileNetV2-0.35 student of pair (b):
    stages 2, 3, 5 (strides 4, 8, 16) into the same FPN."""
    model = _retinanet(4)
    model['backbone'] = dict(
        type='mmrazor.MobileNetV2_CIFAR', widen_factor=0.35, in_channels=1,
        stem_stride=2, last_channels=256, out_indices=(1, 2, 4))
    model['neck'].update(in_channels=[8, 16, 32], add_extra_convs=False)
    return model


retina_r18w16 = _retinanet(16)
retina_r18w8 = _retinanet(8)
retina_r18w4 = _retinanet(4)
retina_mbv2 = _mobilenet_v2()
