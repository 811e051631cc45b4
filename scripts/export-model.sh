#!/usr/bin/env bash
# Run on a CONNECTED machine (never on the office network): convert a Whisper
# model to CTranslate2 and write SHA256SUMS, ready to copy onto removable media.
#
#   scripts/export-model.sh phowhisper-large [OUT_DIR]
#   scripts/export-model.sh whisper-large-v3 [OUT_DIR]
#   scripts/export-model.sh whisper-large-v3-turbo [OUT_DIR]
#
# Then, on the air-gapped machine:  ketluan models install /media/usb/<name>
set -euo pipefail
name=${1:?usage: export-model.sh phowhisper-large|whisper-large-v3|whisper-large-v3-turbo [OUT_DIR]}
out=${2:-$PWD/$name}
case "$name" in
  phowhisper-large)       repo=vinai/PhoWhisper-large ;;
  whisper-large-v3)       repo=openai/whisper-large-v3 ;;
  whisper-large-v3-turbo) repo=openai/whisper-large-v3-turbo ;;
  *) echo "unknown model: $name" >&2; exit 2 ;;
esac
venv=$(mktemp -d)/venv
python3 -m venv "$venv"
"$venv/bin/pip" install -q "ctranslate2>=4.5,<5" "transformers[torch]>=4.40" sentencepiece
"$venv/bin/ct2-transformers-converter" --model "$repo" --output_dir "$out" \
  --copy_files tokenizer.json preprocessor_config.json --quantization float16 --force
# faster-whisper expects vocabulary.json; the converter writes it.
(cd "$out" && sha256sum -- * | grep -v ' SHA256SUMS$' > SHA256SUMS)
echo "Wrote $out with SHA256SUMS. Copy the folder to removable media."
