"""CAM++ speaker embedding (3D-Speaker) as a pyannote.audio `Model`.

The network is 3D-Speaker's CAM++ (Apache-2.0,
modelscope/3D-Speaker speakerlab/models/campplus), trained on Chinese and
English speech ("speech_campplus_sv_zh_en_16k-common_advanced", 192-dim). The
checkpoint is a plain state dict. Input features follow 3D-Speaker: 80-bin
Kaldi log-mel fbank, 25 ms / 10 ms, no dither, mean-normalised per input.

Being a pyannote `Model` with `forward(waveforms, weights=None)` is what lets
pyannote's SpeakerDiarization pipeline use it unchanged: the pipeline passes
one 10 s chunk per (chunk, local speaker) with that speaker's activity as
`weights`, and the statistics pooling below averages over the speaker's frames
only (pyannote's own weighted StatsPool).
"""

from collections import OrderedDict
from functools import partial
from pathlib import Path

import torch
import torch.nn.functional as F
import torchaudio.compliance.kaldi as kaldi
from pyannote.audio.core.model import Model
from pyannote.audio.models.blocks.pooling import StatsPool
from torch import nn

EMBEDDING_DIM = 192
NUM_MEL_BINS = 80


class CAMPPlusEmbedding(Model):
    """Waveforms (batch, 1, samples) at 16 kHz → L2-comparable 192-dim embeddings."""

    def __init__(self, sample_rate: int = 16000, num_channels: int = 1) -> None:
        super().__init__(sample_rate=sample_rate, num_channels=num_channels)
        self._fbank = partial(
            kaldi.fbank,
            num_mel_bins=NUM_MEL_BINS,
            frame_length=25.0,
            frame_shift=10.0,
            dither=0.0,
            sample_frequency=sample_rate,
        )
        self.campplus = CAMPPlus(feat_dim=NUM_MEL_BINS, embedding_size=EMBEDDING_DIM)
        self.pool = StatsPool()
        self._last: tuple[torch.Tensor, torch.Tensor] | None = None  # (waveform, frames)

    @classmethod
    def from_checkpoint(cls, path: str | Path, device: torch.device | None = None) -> "CAMPPlusEmbedding":
        model = cls()
        state = torch.load(str(path), map_location="cpu", weights_only=True)
        model.campplus.load_state_dict(state)
        model.eval()
        return model.to(device or torch.device("cpu"))

    @property
    def dimension(self) -> int:
        return EMBEDDING_DIM

    def compute_fbank(self, waveforms: torch.Tensor) -> torch.Tensor:
        """(batch, 1, samples) → (batch, frames, 80), mean-normalised over each input."""
        # Kaldi's scale (int16 range); any constant scale vanishes with the mean removal
        # except through the log floor, so match what the model was trained with.
        scaled = waveforms[:, 0] * (1 << 15)
        feats = torch.stack([self._fbank(w.unsqueeze(0)) for w in scaled])
        return feats - feats.mean(dim=1, keepdim=True)

    # pyannote's Model.forward takes **kwargs; its embedding inference passes only `weights`,
    # and anything else reaching here would be a mistake worth a TypeError.
    def forward(  # type: ignore[override]
        self, waveforms: torch.Tensor, weights: torch.Tensor | None = None
    ) -> torch.Tensor:
        # pyannote sends each 10 s chunk once per local track, in a row: run the network
        # once per distinct chunk and pool it once per track mask.
        distinct, index = _dedupe(waveforms)
        frames = self._frames(distinct)[index]
        stats = self.pool(frames, weights=weights)
        return self.campplus.embed(stats)

    def _frames(self, distinct: torch.Tensor) -> torch.Tensor:
        """Frame features of distinct chunks; a chunk whose tracks straddle two batches
        (the last of one batch, the first of the next) is computed once."""
        last = None if torch.is_grad_enabled() else self._last
        if last is not None and last[0].shape == distinct[0].shape and torch.equal(last[0], distinct[0]):
            rest = distinct[1:]
            new = self.campplus.frames(self.compute_fbank(rest)) if len(rest) else last[1][:0]
            frames = torch.cat([last[1], new])
        else:
            frames = self.campplus.frames(self.compute_fbank(distinct))
        if not torch.is_grad_enabled():
            self._last = (distinct[-1].clone(), frames[-1:].clone())
        return frames


def _dedupe(waveforms: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Collapse runs of identical consecutive waveforms: (distinct, index into distinct)."""
    keep = [0]
    index = [0]
    for i in range(1, waveforms.shape[0]):
        if not torch.equal(waveforms[i], waveforms[keep[-1]]):
            keep.append(i)
        index.append(len(keep) - 1)
    return waveforms[keep], torch.tensor(index, device=waveforms.device)


# --- CAM++ network (3D-Speaker, Apache-2.0), split so pooling can be weighted ---


class CAMPPlus(nn.Module):
    def __init__(
        self,
        feat_dim: int = 80,
        embedding_size: int = 192,
        growth_rate: int = 32,
        bn_size: int = 4,
        init_channels: int = 128,
    ) -> None:
        super().__init__()
        self.head = FCM(feat_dim=feat_dim)
        channels = self.head.out_channels
        self.xvector = nn.Sequential(
            OrderedDict([("tdnn", TDNNLayer(channels, init_channels, 5, stride=2, padding=-1))])
        )
        channels = init_channels
        for i, (num_layers, kernel_size, dilation) in enumerate([(12, 3, 1), (24, 3, 2), (16, 3, 2)]):
            block = CAMDenseTDNNBlock(num_layers, channels, growth_rate, bn_size * growth_rate, kernel_size, dilation)
            self.xvector.add_module(f"block{i + 1}", block)
            channels = channels + num_layers * growth_rate
            self.xvector.add_module(f"transit{i + 1}", TransitLayer(channels, channels // 2, False))
            channels //= 2
        out_nonlinear = nn.Sequential()
        out_nonlinear.add_module("batchnorm", nn.BatchNorm1d(channels))
        out_nonlinear.add_module("relu", nn.ReLU(inplace=True))
        self.xvector.add_module("out_nonlinear", out_nonlinear)
        # The checkpoint's keys include xvector.dense; pooling sits between (no weights).
        self.xvector.add_module("dense", DenseLayer(channels * 2, embedding_size))

    def frames(self, feats: torch.Tensor) -> torch.Tensor:
        """(batch, frames, feat) → frame-level features (batch, channels, frames / 2)."""
        x = self.head(feats.permute(0, 2, 1))
        for name, layer in self.xvector.named_children():
            if name == "dense":
                break
            x = layer(x)
        return x

    def embed(self, stats: torch.Tensor) -> torch.Tensor:
        """Pooled statistics (..., 2 * channels) → embeddings (..., embedding_size)."""
        shape = stats.shape
        out = self.xvector.get_submodule("dense")(stats.reshape(-1, shape[-1]))
        return out.reshape(*shape[:-1], -1)


class BasicResBlock(nn.Module):
    def __init__(self, in_planes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=(stride, 1), padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, 1, stride=(stride, 1), bias=False),
                nn.BatchNorm2d(planes),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class FCM(nn.Module):
    def __init__(self, m_channels: int = 32, feat_dim: int = 80) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, m_channels, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(m_channels)
        self.layer1 = nn.Sequential(BasicResBlock(m_channels, m_channels, 2), BasicResBlock(m_channels, m_channels, 1))
        self.layer2 = nn.Sequential(BasicResBlock(m_channels, m_channels, 2), BasicResBlock(m_channels, m_channels, 1))
        self.conv2 = nn.Conv2d(m_channels, m_channels, 3, stride=(2, 1), padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(m_channels)
        self.out_channels = m_channels * (feat_dim // 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x.unsqueeze(1))))
        out = self.layer2(self.layer1(out))
        out = F.relu(self.bn2(self.conv2(out)))
        b, c, f, t = out.shape
        return out.reshape(b, c * f, t)


class TDNNLayer(nn.Module):
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        dilation: int = 1,
    ) -> None:
        super().__init__()
        if padding < 0:
            padding = (kernel_size - 1) // 2 * dilation
        self.linear = nn.Conv1d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            bias=False,
        )
        self.nonlinear = nn.Sequential()
        self.nonlinear.add_module("batchnorm", nn.BatchNorm1d(out_channels))
        self.nonlinear.add_module("relu", nn.ReLU(inplace=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x))


class CAMLayer(nn.Module):
    """Context-aware masking: a local conv gated by utterance- and segment-level context."""

    def __init__(
        self,
        bn_channels: int,
        out_channels: int,
        kernel_size: int,
        padding: int,
        dilation: int,
        reduction: int = 2,
    ) -> None:
        super().__init__()
        self.linear_local = nn.Conv1d(
            bn_channels, out_channels, kernel_size, padding=padding, dilation=dilation, bias=False
        )
        self.linear1 = nn.Conv1d(bn_channels, bn_channels // reduction, 1)
        self.relu = nn.ReLU(inplace=True)
        self.linear2 = nn.Conv1d(bn_channels // reduction, out_channels, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.linear_local(x)
        context = x.mean(-1, keepdim=True) + self._seg_pooling(x)
        return y * self.sigmoid(self.linear2(self.relu(self.linear1(context))))

    @staticmethod
    def _seg_pooling(x: torch.Tensor, seg_len: int = 100) -> torch.Tensor:
        seg = F.avg_pool1d(x, kernel_size=seg_len, stride=seg_len, ceil_mode=True)
        expanded = seg.unsqueeze(-1).expand(*seg.shape, seg_len)
        return expanded.reshape(*seg.shape[:-1], -1)[..., : x.shape[-1]]


class CAMDenseTDNNLayer(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, bn_channels: int, kernel_size: int, dilation: int) -> None:
        super().__init__()
        self.nonlinear1 = nn.Sequential()
        self.nonlinear1.add_module("batchnorm", nn.BatchNorm1d(in_channels))
        self.nonlinear1.add_module("relu", nn.ReLU(inplace=True))
        self.linear1 = nn.Conv1d(in_channels, bn_channels, 1, bias=False)
        self.nonlinear2 = nn.Sequential()
        self.nonlinear2.add_module("batchnorm", nn.BatchNorm1d(bn_channels))
        self.nonlinear2.add_module("relu", nn.ReLU(inplace=True))
        padding = (kernel_size - 1) // 2 * dilation
        self.cam_layer = CAMLayer(bn_channels, out_channels, kernel_size, padding, dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear1(self.nonlinear1(x))
        return self.cam_layer(self.nonlinear2(x))


class CAMDenseTDNNBlock(nn.ModuleList):
    def __init__(
        self,
        num_layers: int,
        in_channels: int,
        out_channels: int,
        bn_channels: int,
        kernel_size: int,
        dilation: int,
    ) -> None:
        super().__init__()
        for i in range(num_layers):
            layer = CAMDenseTDNNLayer(in_channels + i * out_channels, out_channels, bn_channels, kernel_size, dilation)
            self.add_module(f"tdnnd{i + 1}", layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self:
            x = torch.cat([x, layer(x)], dim=1)
        return x


class TransitLayer(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, bias: bool = True) -> None:
        super().__init__()
        self.nonlinear = nn.Sequential()
        self.nonlinear.add_module("batchnorm", nn.BatchNorm1d(in_channels))
        self.nonlinear.add_module("relu", nn.ReLU(inplace=True))
        self.linear = nn.Conv1d(in_channels, out_channels, 1, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.nonlinear(x))


class DenseLayer(nn.Module):
    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.linear = nn.Conv1d(in_channels, out_channels, 1, bias=False)
        self.nonlinear = nn.Sequential()
        self.nonlinear.add_module("batchnorm", nn.BatchNorm1d(out_channels, affine=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x.unsqueeze(-1)).squeeze(-1))
