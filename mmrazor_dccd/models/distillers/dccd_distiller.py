# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DCCD's wiring of MMRazor's ConfigurableDistiller from a few arguments."""
import copy
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn

from mmrazor.models.distillers import ConfigurableDistiller
from mmrazor.registry import MODELS
from ..algorithms.dccd_distill import pass_num_views
from ..losses import (ChannelContrastiveLoss, DynamicDifferenceLoss,
                      LossArgumentError, WeightedCRDLoss, check_loss_args)
from .dccd_config import (FeatureSpec, LayerSpec, as_pairs, channel_connector,
                          check_sources, per_layer, with_type)
from .feature_shapes import chains, check_channels, measure

# Losses that check their own arguments; MMRazor's are checked here.
SELF_CHECKED = (ChannelContrastiveLoss, DynamicDifferenceLoss,
                WeightedCRDLoss)
PARTS = ('student_recorders', 'teacher_recorders', 'connectors',
         'distill_losses', 'loss_forward_mappings')


@MODELS.register_module()
class DCCDDistiller(ConfigurableDistiller):
    """The DCCD distiller: ``beta * L_cc + gamma * L_dd (+ alpha * KD)``.

    Builds the recorders, connectors, losses and ``loss_forward_mappings``
    of MMRazor's :class:`ConfigurableDistiller` from layer names, so a config
    stays short. Every term is switched off by setting its loss to ``None``.
    A loss given without ``type`` is that term's default class with these
    arguments: ``dd_loss=dict(loss_weight=0.1)`` is
    ``DynamicDifferenceLoss(loss_weight=0.1)``.

    Args:
        feature_layers (str | list[str] | dict[str, str], optional): Student
            modules whose outputs feed the channel contrastive loss; a dict
            maps student to teacher module names when they differ. A list
            may repeat a layer that returns a tuple, one entry per
            ``data_idx``; one layer with a list ``data_idx`` is repeated
            so: ``'neck'`` with ``data_idx=[0, 1, 2]`` is three FPN levels.
            Defaults to None.
        logits_layer (str | tuple[str, str]): Module giving the logits
            (student, or a (student, teacher) pair). Defaults to 'head.fc'.
        student_channels (int | list[int], optional): Channels of each
            student feature layer, an override checked at the first step.
            Defaults to None: measured.
        teacher_channels (int | list[int], optional): The same for the
            teacher. Defaults to None: measured.
        connector (dict | list[dict]): Connector mapping student to teacher
            channels where they differ; ``in_channel`` / ``out_channel`` are
            filled into it (into the first entry of a list, which MMRazor
            chains). Defaults to a 1x1 conv + BN (MMRazor's
            ``ConvModuleConnector``).
        demo_input (tuple[int], optional): Shape of the input of the one
            dry forward of student and teacher at build time that measures
            each feature (channels, spatial size, kind); use the training
            input's shape. Defaults to None: ``(1, C, 224, 224)`` with the
            input channels of the student's first convolution.
        data_idx (int | list[int], optional): For a feature layer that
            returns a tuple or list (e.g. Swin's stages return ``(x,
            hw_shape)``), the index of the feature in it; a layer returning
            a tensor ignores it. Defaults to None.
        keep_extra_tokens (bool): Keep the class / distillation tokens of
            (B, N, C) token features. Defaults to False: they are one
            summary each, not positions of the token grid, and the grid
            could not be laid out or resized with them.
        cc_loss (dict, optional): Channel contrastive loss, one per feature
            layer. Defaults to ``ChannelContrastiveLoss()`` with its own
            defaults.
        dd_loss (dict, optional): Dynamic difference loss, e.g.
            ``dict(type='DynamicDifferenceLoss')``. Defaults to None.
        kd_loss (dict, optional): Logit distillation, e.g.
            ``dict(type='KLDivergence', tau=4)``. Defaults to None.
        num_views (int): Views per image, passed on to ``dd_loss``;
            ``DCCDDistill`` passes its own. Defaults to 1.
        **kwargs: Further :class:`ConfigurableDistiller` arguments. Extra
            recorders, connectors, losses and ``loss_forward_mappings`` are
            merged in; an entry given there under a generated name (e.g.
            ``loss_forward_mappings=dict(loss_cc=...)``) replaces the
            generated one.

    Mistakes are named by their config key: a bad loss argument at build
    time, a module name missing from the student or teacher when the
    algorithm hooks them (with the nearest valid names), and
    ``student_channels`` / ``teacher_channels`` against the recorded
    features at the first step, before a connector runs.

    Examples:
        >>> distiller = DCCDDistiller(
        ...     feature_layers='backbone.layer4',
        ...     student_channels=32, teacher_channels=128,
        ...     dd_loss=dict(type='DynamicDifferenceLoss'), num_views=2)
        >>> sorted(distiller.student_recorders.recorders)
        ['feat', 'logits']
        >>> list(distiller.connectors)
        ['feat_connector']
        >>> sorted(distiller.distill_losses)
        ['loss_cc', 'loss_dd']

        Two feature layers give ``feat_0``/``feat_1``, ``loss_cc_0``/
        ``loss_cc_1`` and ``feat_0_connector``/``feat_1_connector``; a
        ``kd_loss`` adds ``loss_kd`` on the ``logits`` recorder.
    """

    def __init__(self,
                 feature_layers: Optional[LayerSpec] = None,
                 logits_layer: Union[str, Sequence[str]] = 'head.fc',
                 student_channels: Optional[Union[int, List[int]]] = None,
                 teacher_channels: Optional[Union[int, List[int]]] = None,
                 connector: Union[dict, List[dict]] = dict(
                     type='ConvModuleConnector',
                     kernel_size=1,
                     norm_cfg=dict(type='BN'),
                     act_cfg=None),
                 cc_loss: Optional[dict] = dict(type='ChannelContrastiveLoss'),
                 dd_loss: Optional[dict] = None,
                 kd_loss: Optional[dict] = None,
                 num_views: int = 1,
                 demo_input: Optional[Sequence[int]] = None,
                 data_idx: Optional[Union[int, List[Optional[int]]]] = None,
                 keep_extra_tokens: bool = False,
                 **kwargs) -> None:
        cc_loss = with_type(cc_loss, 'ChannelContrastiveLoss')
        dd_loss = with_type(dd_loss, 'DynamicDifferenceLoss')
        # The user's entries first; generated ones only under free names.
        cfg = {part: dict(kwargs.pop(part, None) or {}) for part in PARTS}
        self._loss_keys = {}  # loss name -> config key, named in errors
        self._mapped = set()  # losses whose forward mapping is generated
        self.source_keys = {}  # recorder name -> config key
        self.feature_specs = {}

        def record(name, student, teacher, key):
            self.source_keys[name] = key
            for who, source in (('student', student), ('teacher', teacher)):
                cfg[f'{who}_recorders'].setdefault(
                    name, dict(type='ModuleOutputs', source=source))

        def add_loss(name, key, loss, recorder, connector=None):
            if name not in cfg['distill_losses']:
                self._loss_keys[name] = key
            cfg['distill_losses'].setdefault(name, copy.deepcopy(loss))
            if name not in cfg['loss_forward_mappings']:
                self._mapped.add(name)
            student = dict(from_student=True, recorder=recorder)
            if connector:
                student['connector'] = connector
            cfg['loss_forward_mappings'].setdefault(
                name,
                dict(preds_S=student,
                     preds_T=dict(from_student=False, recorder=recorder)))

        layers = as_pairs(feature_layers,
                          data_idx) if cc_loss is not None else []
        if layers:
            s_chs = per_layer(student_channels, len(layers),
                              'student_channels')
            t_chs = per_layer(teacher_channels, len(layers),
                              'teacher_channels')
            idxs = per_layer(data_idx, len(layers), 'data_idx')
        for i, (s_layer, t_layer) in enumerate(layers):
            suffix = '' if len(layers) == 1 else f'_{i}'
            record(f'feat{suffix}', s_layer, t_layer, 'feature_layers')
            self.feature_specs[f'feat{suffix}'] = FeatureSpec(
                None if len(layers) == 1 else i, s_layer, t_layer, s_chs[i],
                t_chs[i], f'loss_cc{suffix}', idxs[i])
            connector_name = None
            if None not in (s_chs[i], t_chs[i]) and s_chs[i] != t_chs[i]:
                connector_name = f'feat{suffix}_connector'
                cfg['connectors'].setdefault(
                    connector_name,
                    channel_connector(connector, s_chs[i], t_chs[i]))
            add_loss(f'loss_cc{suffix}', 'cc_loss', cc_loss, f'feat{suffix}',
                     connector_name)
        if dd_loss is not None or kd_loss is not None:
            s_logits, t_logits = ((logits_layer, logits_layer) if isinstance(
                logits_layer, str) else tuple(logits_layer))
            record('logits', s_logits, t_logits, 'logits_layer')
        if dd_loss is not None:
            add_loss('loss_dd', 'dd_loss',
                     pass_num_views(dd_loss, num_views, 'dd_loss'), 'logits')
        if kd_loss is not None:
            add_loss('loss_kd', 'kd_loss', kd_loss, 'logits')
        if not cfg['distill_losses']:
            raise ValueError('DCCDDistiller has no loss: set cc_loss with '
                             'feature_layers, dd_loss or kd_loss.')
        self.num_views = num_views
        self.demo_input = demo_input
        self._connector = connector
        self.keep_extra_tokens = keep_extra_tokens
        self._checked = False
        super().__init__(**cfg, **kwargs)

    def build_distill_losses(self,
                             losses: Optional[Dict[str, Dict]] = None
                             ) -> nn.ModuleDict:
        """Build each loss; name a bad argument by its config key."""
        built = nn.ModuleDict()
        for name, loss_cfg in (losses or {}).items():
            key = self._loss_keys.get(name, f'distill_losses.{name}')
            try:
                built.update(super().build_distill_losses({name: loss_cfg}))
            except LossArgumentError as err:
                raise err.under(key) from None
            if not isinstance(built[name], SELF_CHECKED):
                check_loss_args(key, getattr(built[name], 'loss_weight', 1.),
                                getattr(built[name], 'tau', None))
        return built

    def prepare_from_student(self, model: nn.Module) -> None:
        """Check the student's recorded module names, then hook them."""
        check_sources(model, self.student_recorders, 'student',
                      self.source_keys)
        super().prepare_from_student(model)
        self._student = [model]  # in a list: not a submodule

    def prepare_from_teacher(self, model: nn.Module) -> None:
        """Check the teacher's recorded module names, hook them, then
        measure the features and build the connectors they need."""
        check_sources(model, self.teacher_recorders, 'teacher',
                      self.source_keys)
        super().prepare_from_teacher(model)
        student = self._student.pop()
        if self.feature_specs:
            self._connect(student, model)

    def _connect(self, student: nn.Module, teacher: nn.Module) -> None:
        """Measure every feature by one dry forward of each model, then
        build the connectors they need, before any optimizer sees the
        parameters."""
        feats = measure(student, teacher, self.student_recorders,
                        self.teacher_recorders, self.feature_specs,
                        self.demo_input, self.keep_extra_tokens)
        for rec, spec in self.feature_specs.items():
            if spec.loss not in self._mapped:  # the user mapped this loss
                continue
            s, t = feats[rec]
            name = f'{rec}_connector'
            channel = self.connectors[name] if name in self.connectors \
                else None
            s_in = spec.student_channels or s.channels
            t_out = spec.teacher_channels or t.channels
            if channel is None and s_in != t_out:
                channel = MODELS.build(
                    channel_connector(self._connector, s_in, t_out))
            mapping = self.loss_forward_mappings[spec.loss]
            for arg, feat, mods, conn in zip(
                    ('preds_S', 'preds_T'), (s, t), chains(s, t, channel),
                    (name, f'{rec}_teacher_connector')):
                if feat.data_idx is not None:
                    mapping[arg]['data_idx'] = feat.data_idx
                if mods:
                    self.connectors[conn] = mods[0] if len(mods) == 1 \
                        else nn.Sequential(*mods)
                    mapping[arg]['connector'] = conn

    def compute_distill_losses(self) -> Dict[str, torch.Tensor]:
        """Check the recorded channels at the first step, then compute the
        losses."""
        if not self._checked:
            for rec, spec in self.feature_specs.items():
                check_channels(
                    spec, self.student_recorders.get_recorder(rec),
                    self.teacher_recorders.get_recorder(rec),
                    self.loss_forward_mappings.get(spec.loss, {}))
            self._checked = True
        return super().compute_distill_losses()
