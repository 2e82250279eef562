# DCCD pieces shared by the distill-while-pruning configs on MNIST
# (configs/pruning/*-dccd_r18w16_mnist.py): batch-mode L_cc + L_dd (gamma 1,
# the MNIST-era DCCD default with which docs/pruning.md was measured; the
# plugin's default since dropped L_dd), no KD, on layer4's 128 channels,
# which the pruning configs never prune.
num_views = 2
dccd_data_preprocessor = dict(type='MultiViewClsDataPreprocessor',
                              num_views=num_views,
                              num_classes=10,
                              mean=[33.46],
                              std=[78.87],
                              to_rgb=False)
dccd_distiller = dict(
    type='DCCDDistiller',
    num_views=num_views,
    feature_layers='backbone.layer4',
    demo_input=(1, 1, 28, 28),  # one training input: the shapes dry run
    logits_layer='head.fc',
    cc_loss=dict(type='ChannelContrastiveLoss', tau=0.1, mode='batch',
                 loss_weight=1.0),  # as docs/pruning.md was measured
    dd_loss=dict(
        type='DynamicDifferenceLoss', distance='mse', loss_weight=1.0),
    kd_loss=None)
# 32 images x 2 views per step = 64 forwarded, like the CE configs' 64.
dccd_train_pipeline = [
    dict(type='MultiView',
         num_views=num_views,
         transforms=[[dict(type='RandomCrop', crop_size=28, padding=2)]]),
    dict(type='PackInputs'),
]
