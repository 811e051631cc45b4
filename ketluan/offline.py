"""Process-wide switches that keep third-party libraries off the network.

These are forced, not defaulted: an office that sets HF_HUB_OFFLINE=0 by habit
must still get an air-gapped ketluan.
"""

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    # pyannote.audio 4.x sends usage metrics by default.
    "PYANNOTE_METRICS_ENABLED": "0",
    "DO_NOT_TRACK": "1",
    # FastAPI pulls in OpenTelemetry exporters; they must never try to ship anything.
    "OTEL_SDK_DISABLED": "true",
    "FASTAPI_OTEL_AUTO_CONFIGURE": "false",
    # onnxruntime (faster-whisper's Silero VAD) ships 1DS telemetry on Linux since 1.29: at the
    # first session it resolves mobile.events.data.microsoft.com from native code, past any
    # Python-level guard, and disable_telemetry_events() does not stop that. This variable,
    # read once before onnxruntime starts, creates no uploader, device id or cache at all.
    "ORT_DISABLE_TELEMETRY": "1",
}


def enforce() -> None:
    """Set the offline environment for this process and its children."""
    os.environ.update(OFFLINE_ENV)
