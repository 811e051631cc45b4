"""One settings object, from KETLUAN_* environment variables and an optional TOML file."""

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ketluan"


def _config_file() -> Path:
    explicit = os.environ.get("KETLUAN_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "ketluan" / "config.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KETLUAN_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    models_dir: Path | None = None
    asr_model: str = "whisper-base"
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto → float16 on CUDA, int8 on CPU
    cpu_threads: int = 0  # 0 lets CTranslate2 choose
    beam_size: int = 5
    batch_size: int = 8  # > 1: faster-whisper batched pipeline (about 2x faster on CPU)

    # Service (api/, worker/, db/). Empty URLs mean the embedded default: SQLite files
    # under the data directory, no Redis or PostgreSQL needed.
    database_url: str = ""  # e.g. postgresql+psycopg://ketluan@db-host/ketluan
    broker_url: str = ""  # e.g. redis://queue-host:6379/0
    storage_dir: Path | None = None  # audio and documents; a shared path for several nodes
    max_upload_bytes: int = 4 * 1024**3
    session_hours: int = 12
    # Sign-in throttling (db/throttle.py), shared by every API process through the database.
    login_max_failures: int = 5  # failed passwords for one account before it is locked
    login_ip_max_failures: int = 20  # from one client address (an office NAT is shared)
    login_lock_seconds: float = 30.0  # the first lock; doubled by each further failure
    login_max_lock_seconds: float = 900.0
    login_failure_window_seconds: float = 900.0  # failures further apart start a new count
    cookie_secure: bool = False  # True behind HTTPS (nginx)
    # The API description (/openapi.json) and its page (/docs): "admin" (signed-in admins only),
    # "public" (anyone who reaches the server), "off". It maps every route an attacker could try.
    api_docs: Literal["admin", "public", "off"] = "admin"
    # Other origins whose pages may send unsafe requests with the session cookie (api/csrf.py);
    # the site's own host (the Host header nginx passes on) is always allowed.
    trusted_origins: list[str] = []
    job_lease_seconds: int = 60  # a running job whose lease is older has lost its worker
    requeue_after_seconds: int = 300  # a queued job no worker took in this long is re-sent
    sweep_interval_seconds: float = 15.0
    # Stored files no row refers to (interrupted uploads, crashed workers' temporaries, deleted
    # meetings) are removed by the sweeper once older than the grace period (db/cleanup.py).
    orphan_cleanup_interval_seconds: float = 3600.0
    orphan_grace_seconds: float = 6 * 3600.0
    max_attempts: int = 3
    progress_interval_seconds: float = 1.0

    # Tracking (tracking/): warnings and e-mail through the office relay (unset host: no e-mail).
    tracking_near_days: int = 3  # "sắp đến hạn": this many working days or fewer left
    tracking_special_overdue_days: int = 7  # "đỏ đặc biệt": more than this many days overdue
    tracking_max_rows: int = 20000  # rows an Excel import may hold
    smtp_host: str | None = None  # the office SMTP relay, e.g. mail.tinh.gov.vn
    smtp_port: int = 25
    smtp_from: str = "ketluan@localhost"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_s: float = 20.0
    # Tracking: the daily warnings (Celery beat asks every check interval; the database makes
    # it run once a day, from this hour on, in the offices' time zone) and the import / export
    # jobs of the cpu queue (their files are removed this long after they finish).
    tracking_warn_hour: int = Field(7, ge=0, le=23)
    tracking_warn_check_seconds: float = 900.0
    tracking_timezone: str = "Asia/Ho_Chi_Minh"
    tracking_job_keep_hours: float = 24.0

    # Speaker diarization (diarize/). "auto": the community-1 pipeline when it is in the
    # model store, else segmentation-3.0 + CAM++ from the installed packages.
    diarization_pipeline: str = "auto"  # auto | community-1 | campplus
    diarization_threshold: float = 0.0  # 0: the tuned default of the chosen pipeline
    diarization_max_chunks: int = 3600  # bounds memory and time on long meetings (1 h at 1 s step)
    voiceprint_threshold: float = 0.0  # 0: the tuned default of the embedding model
    voiceprint_sure_threshold: float = 0.0  # 0: default 0.85; below it a match is a suggestion
    voiceprint_clip_max_bytes: int = 200 * 1024**2  # an enrolment clip upload
    diarization_threads: int = 0  # torch CPU threads for diarization; 0 keeps torch's default

    @property
    def model_store_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    # Drafting: the Word document (layouts in drafting/data/layouts/*.toml).
    docx_font: str = "Times New Roman"
    docx_body_pt: float = 14.0
    # Top/bottom/left/right margins in mm; sources differ (20/20/30/15 or 25/25/35/15).
    docx_margins_mm: tuple[float, float, float, float] = (20.0, 20.0, 30.0, 15.0)
    gazetteer_file: Path | None = None  # an office's extra units, glossary format
    # Optional on-prem LLM: an OpenAI-compatible endpoint (e.g. vLLM). Unset → rules only.
    llm_url: str | None = None  # the endpoint base on the office network, ending in /v1
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 120.0

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'ketluan.sqlite'}"

    @property
    def celery_broker_url(self) -> str:
        return self.broker_url or f"sqla+sqlite:///{self.data_dir / 'broker.sqlite'}"

    @property
    def files_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "files"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)


@lru_cache
def get_settings() -> Settings:
    return Settings()
