# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DCCD's wiring of MMRazor's ConfigurableDistiller from a few arguments."""
import copy
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn

from mmrazor.models.distillers import ConfigurableDistiller
from mmrazor.models.task_modules.recorder import ModuleOutputsRecorder
from mmrazor.registry import MODELS
from ..algorithms.dccd_distill import pass_num_views
from ..losses import (ChannelContrastiveLoss, DynamicDifferenceLoss,
                      LossArgumentError, WeightedCRDLoss, check_loss_args)
from .dccd_config import (FeatureSpec, LayerSpec, as_mapping, channels_of,
                          nearest_names, per_layer, with_type)

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
            maps student to teacher module names when they differ.
            Defaults to None.
        logits_layer (str | tuple[str, str]): Module giving the logits
            (student, or a (student, teacher) pair). Defaults to 'head.fc'.
        student_channels (int | list[int], optional): Channels of each
            student feature layer. Defaults to None.
        teacher_channels (int | list[int], optional): Channels of each
            teacher feature layer. Where they differ from
            ``student_channels`` a ``connector`` maps student to teacher.
            Defaults to None.
        connector (dict | list[dict]): Connector config; ``in_channel`` /
            ``out_channel`` are filled into it (into the first entry of a
            list, which MMRazor chains). Defaults to a 1x1 conv + BN
            (MMRazor's ``ConvModuleConnector``).
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
                 **kwargs) -> None:
        cc_loss = with_type(cc_loss, 'ChannelContrastiveLoss')
        dd_loss = with_type(dd_loss, 'DynamicDifferenceLoss')
        # The user's entries first; generated ones only under free names.
        cfg = {part: dict(kwargs.pop(part, None) or {}) for part in PARTS}
        self._loss_keys = {}  # loss name -> config key, named in errors
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
            student = dict(from_student=True, recorder=recorder)
            if connector:
                student['connector'] = connector
            cfg['loss_forward_mappings'].setdefault(
                name,
                dict(preds_S=student,
                     preds_T=dict(from_student=False, recorder=recorder)))

        layers = as_mapping(feature_layers) if cc_loss is not None else {}
        if layers:
            s_chs = per_layer(student_channels, len(layers),
                              'student_channels')
            t_chs = per_layer(teacher_channels, len(layers),
                              'teacher_channels')
        for i, (s_layer, t_layer) in enumerate(layers.items()):
            suffix = '' if len(layers) == 1 else f'_{i}'
            record(f'feat{suffix}', s_layer, t_layer, 'feature_layers')
            self.feature_specs[f'feat{suffix}'] = FeatureSpec(
                None if len(layers) == 1 else i, s_layer, t_layer, s_chs[i],
                t_chs[i], f'loss_cc{suffix}')
            connector_name = None
            if None not in (s_chs[i], t_chs[i]) and s_chs[i] != t_chs[i]:
                connector_name = f'feat{suffix}_connector'
                chain = copy.deepcopy(connector)
                first = chain[0] if isinstance(chain, list) else chain
                first.update(in_channel=s_chs[i], out_channel=t_chs[i])
                cfg['connectors'].setdefault(connector_name, chain)
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
        self._check_sources(model, self.student_recorders, 'student')
        super().prepare_from_student(model)

    def prepare_from_teacher(self, model: nn.Module) -> None:
        """Check the teacher's recorded module names, then hook them."""
        self._check_sources(model, self.teacher_recorders, 'teacher')
        super().prepare_from_teacher(model)

    def _check_sources(self, model: nn.Module, recorders,
                       who: str) -> None:
        """Name the config key, the model and the nearest valid module
        names (MMRazor only asserts '"x" is not in the model.')."""
        names = [name for name, _ in model.named_modules()]
        for rec_name, recorder in recorders.recorders.items():
            if not isinstance(recorder, ModuleOutputsRecorder) or \
                    recorder.source in names:
                continue
            key = self.source_keys.get(
                rec_name, f'{who}_recorders.{rec_name}.source')
            raise ValueError(
                f'DCCDDistiller {key}: {recorder.source!r} is not a module '
                f'of the {who} ({type(model).__name__}). Nearest module '
                f'names in the {who}: '
                f'{nearest_names(recorder.source, names)}. '
                f'Fix: set {key} to a name from the {who}\'s '
                '`named_modules()`.')

    def compute_distill_losses(self) -> Dict[str, torch.Tensor]:
        """Check the recorded channels at the first step, then compute the
        losses."""
        if not self._checked:
            for rec_name, spec in self.feature_specs.items():
                self._check_channels(rec_name, spec)
            self._checked = True
        return super().compute_distill_losses()

    def _check_channels(self, rec_name: str, spec: FeatureSpec) -> None:
        """Stop before a connector meets a feature of another width: name
        the config key and the measured channel count."""
        measured = {
            who: channels_of(
                recorders.get_recorder(rec_name).get_record_data())
            for who, recorders in (('student', self.student_recorders),
                                   ('teacher', self.teacher_recorders))
        }
        if None in measured.values():
            return
        at = '' if spec.index is None else f'[{spec.index}]'
        for who, layer, given in (
                ('student', spec.student, spec.student_channels),
                ('teacher', spec.teacher, spec.teacher_channels)):
            if given is not None and given != measured[who]:
                raise ValueError(
                    f'DCCDDistiller {who}_channels{at} is {given}, but the '
                    f'{who} layer {layer!r} outputs {measured[who]} '
                    f'channels. Fix: set {who}_channels{at}='
                    f'{measured[who]}.')
        mapping = self.loss_forward_mappings.get(spec.loss, {})
        connected = any('connector' in arg for arg in mapping.values())
        if measured['student'] != measured['teacher'] and not connected:
            raise ValueError(
                f"DCCDDistiller: the student layer {spec.student!r} outputs "
                f"{measured['student']} channels, the teacher layer "
                f"{spec.teacher!r} {measured['teacher']}, and no connector "
                f"maps one to the other. Fix: set student_channels{at}="
                f"{measured['student']} and teacher_channels{at}="
                f"{measured['teacher']} (DCCDDistiller then adds a "
                'connector).')
