#!/usr/bin/env bash
# The GPU path end to end, on a machine with no network: install ketluan from a wheel
# folder, install the models from a folder (checksums checked), run `ketluan process` on a
# synthetic one-hour meeting with KETLUAN_DEVICE=cuda, and print the time and real-time
# factor of each stage and the peak GPU memory.
#
#   On a connected machine, after `make install-test`:
#       bench/gpu_check.sh pack DIR      wheels for CPython 3.12, the models, the meeting
#   On the GPU machine (CPython 3.12 with a CUDA build of torch 2.11, NVIDIA driver):
#       bench/gpu_check.sh run DIR       install, check CUDA, process, report
#
# `pack` leaves out what a CUDA machine usually has already (torch, torchaudio, numpy,
# onnxruntime, tokenizers, lightning, scipy, …); set ALL=1 to pack every dependency.
#
# CUDA libraries: CTranslate2 4.8 loads libcublas.so.12 at run time (no cuDNN). Where the
# CUDA 12 cuBLAS is installed (the nvidia-cublas-cu12 wheel or the toolkit), it is used. A
# machine with only CUDA 13 gets a folder where libcublas.so.12 names CUDA 13's cuBLAS: the
# nine cuBLAS calls CTranslate2 makes (create/destroy, set stream, get/set math mode,
# Sgemm, GemmEx and their strided batched forms) kept their signatures in CUDA 13. The run
# says which one it used; bench/RESULTS.md records it next to the figures.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
dir=${2:-}
[ -n "$mode" ] && [ -n "$dir" ] || { sed -n '2,14p' "$0"; exit 2; }
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)

# What a CUDA machine with PyTorch may lack, pinned to the versions the tests ran with.
WHEELS=(
  ctranslate2==4.8.5 faster-whisper==1.2.1 av==18.1.0 rapidfuzz==3.14.6 holidays==0.109
  python-docx==1.2.0 defusedxml sqlalchemy pydantic==2.14.4 pydantic-core==2.50.5
  pydantic-settings==2.16.3 annotated-types==0.8.0 typing-inspection==0.4.5 python-dotenv==1.2.4
  redis==8.2.0 pyannote.audio==4.0.7 pyannote.core==6.1.0 pyannote.database==6.1.1
  pyannote.metrics==4.2.0 pyannote.pipeline==4.1.0 asteroid-filterbanks==0.4.0
  torch-audiomentations==0.12.0 torch-pitch-shift==1.2.5 julius==0.2.8 primepy==1.3
  optuna==5.1.0 colorlog==6.12.0 googleapis-common-protos==1.76.0
  opentelemetry-api==1.45.2 opentelemetry-sdk==1.45.2 opentelemetry-proto==1.45.2
  opentelemetry-semantic-conventions==0.66b2 opentelemetry-exporter-otlp==1.45.2
  opentelemetry-exporter-otlp-proto-common==1.45.2 opentelemetry-exporter-otlp-proto-grpc==1.45.2
  opentelemetry-exporter-otlp-proto-http==1.45.2 opentelemetry-exporter-otlp-common==0.66b2
  opentelemetry-exporter-http-transport==0.66b2 httpx2==2.16.2
  # the command line imports its account and spreadsheet modules at start
  argon2-cffi argon2-cffi-bindings cffi pycparser openpyxl==3.1.5 et-xmlfile
)
MODELS=(whisper-base pyannote-segmentation-3.0 campplus-zh-en)

pack() {
  local py="$here/.venv/bin/python"
  local plat=()
  for p in manylinux_2_17 manylinux_2_24 manylinux_2_27 manylinux_2_28 manylinux_2_31 manylinux_2_34; do
    plat+=(--platform "${p}_x86_64")
  done
  mkdir -p "$dir/wheels" "$dir/models"
  if [ "${ALL:-0}" = 1 ]; then
    "$py" -m pip wheel -q -w "$dir/wheels" "$here"
  else
    "$py" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
      --implementation cp "${plat[@]}" -d "$dir/wheels" "${WHEELS[@]}"
    "$py" -m pip wheel -q --no-deps -w "$dir/wheels" "$here"
  fi
  for name in "${MODELS[@]}"; do
    src=$("$py" -c "from models import default_store; print(default_store().resolve('$name'))")
    mkdir -p "$dir/models/$name"
    cp -r "$src"/. "$dir/models/$name/"
    rm -f "$dir/models/$name/ketluan-model.json"
  done
  [ -f "$dir/meeting-1h.ogg" ] || (cd "$here" && "$py" -m bench.gpu_meeting "$dir/meeting-1h.ogg")
  cp "$here/samples/meeting.toml" "$dir/meeting.toml"
  du -sh "$dir"/*
}

cublas12() {
  # Print a folder to put on LD_LIBRARY_PATH so that libcublas.so.12 loads, or nothing.
  local site=$1 found
  found=$(find "$site" /usr/local/cuda*/lib64 /usr/lib/x86_64-linux-gnu -name 'libcublas.so.12' \
          2>/dev/null | head -1 || true)
  if [ -n "$found" ]; then
    echo "cuBLAS: CUDA 12 ($found)" >&2
    dirname "$found"
    return
  fi
  found=$(python3 - <<'EOF'
import glob, os, site, sys
roots = [*site.getsitepackages(), *sys.path]
hits = [h for r in roots for h in glob.glob(os.path.join(r, "nvidia", "cu*", "lib", "libcublas.so.13"))
        + glob.glob(os.path.join(r, "nvidia", "cublas", "lib", "libcublas.so.13"))]
print(hits[0] if hits else "")
EOF
)
  [ -n "$found" ] || found=$(ldconfig -p | awk '/libcublas\.so\.13 /{print $NF; exit}')
  if [ -z "$found" ]; then
    echo "cuBLAS: none found (install nvidia-cublas-cu12)" >&2
    return
  fi
  mkdir -p "$site/cuda12-compat"
  ln -sf "$found" "$site/cuda12-compat/libcublas.so.12"
  ln -sf "$(dirname "$found")/libcublasLt.so.13" "$site/cuda12-compat/libcublasLt.so.13"
  echo "cuBLAS: no CUDA 12 cuBLAS here; CUDA 13's ($found) under the name libcublas.so.12" >&2
  echo "$site/cuda12-compat"
}

run() {
  local site=${SITE:-/tmp/ketluan-site} work=${WORK:-/tmp/ketluan-gpu}
  mkdir -p "$site" "$work"
  python3 -m pip install -q --no-index --no-deps --no-compile --target "$site" "$dir"/wheels/*.whl
  export PYTHONPATH="$site" PATH="$site/bin:$PATH"
  local libs
  libs=$(cublas12 "$site")
  [ -z "$libs" ] || export LD_LIBRARY_PATH="$libs:${LD_LIBRARY_PATH:-}"
  export HF_HUB_OFFLINE=1 KETLUAN_DEVICE=cuda XDG_DATA_HOME="$work/data" PYTHONUNBUFFERED=1
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  python3 -c "import ctranslate2, torch; print('ctranslate2', ctranslate2.__version__, \
'CUDA devices', ctranslate2.get_cuda_device_count(), '| torch', torch.__version__, \
torch.cuda.is_available())"
  for name in "${MODELS[@]}"; do
    python3 -m cli models install "$dir/models/$name" --name "$name"
  done
  local audio=$dir/meeting-1h.ogg mem=$work/gpu-mem.csv
  local base
  base=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$mem" &
  local sampler=$!
  local t0 t1
  t0=$(date +%s.%N)
  python3 -m cli process "$audio" --meeting "$dir/meeting.toml" -o "$work/out"
  t1=$(date +%s.%N)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local peak
  peak=$(sort -n "$mem" | tail -1)
  echo "Whole command (CUDA start and model loading included):" \
    "$(python3 -c "print(f'{$t1 - $t0:.1f}')") s"
  echo "GPU memory: peak $peak MiB, before the run $base MiB, so about $((peak - base)) MiB for ketluan"
  ls -la "$work/out"
}

case "$mode" in
  pack) pack ;;
  run) run ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
