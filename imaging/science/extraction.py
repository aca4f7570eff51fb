"""Radiomics extraction: check an image and its lesion mask, extract PyRadiomics features under a
named, versioned configuration, and draw the slice with the largest lesion area.

Inputs are NRRD or NIfTI files (a zip holding both goes through ``unpack_image_mask_zip`` first).
Every refusal is an ``InputError`` naming the file and the reason.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import hashlib
import io
import logging
import math
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import SimpleITK as sitk
import yaml

from genomics.io.errors import InputError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
DEFAULT_CONFIG = "hosny2018-pyrad3"

MAX_IMAGE_BYTES = 1024 * 1024 * 1024  # 1 GiB on disk
MAX_VOXELS = 400_000_000  # e.g. 1024 x 1024 x 380; more is not a lesion study
MAX_ZIP_MEMBERS = 20
MAX_ZIP_RATIO = 200  # uncompressed / compressed, against zip bombs
# Grid tolerance, relative to the voxel spacing: NIfTI stores the geometry in float32, so
# conversions move origins by ~1e-5 mm; anything beyond 1e-3 of a voxel is another grid.
GRID_TOLERANCE = 1e-3
DIRECTION_TOLERANCE = 1e-4

_MASK_WORDS = re.compile(r"(mask|label|labels|seg|segmentation|roi|lesion)", re.IGNORECASE)
_IMAGE_SUFFIXES = (".nrrd", ".nhdr", ".nii", ".nii.gz")

logger = logging.getLogger(__name__)


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractionConfig:
    """A named, versioned PyRadiomics parameter file; ``params_text`` goes with every result."""

    name: str
    version: str
    params_text: str
    sha256: str
    description: str = ""

    @property
    def params(self) -> dict[str, Any]:
        """The parsed parameter file (imageType, featureClass, setting)."""
        return yaml.safe_load(self.params_text) or {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "sha256": self.sha256,
            "params_text": self.params_text,
            "description": self.description,
        }


def _header_value(text: str, key: str) -> str | None:
    match = re.search(rf"^#\s*{key}:\s*(.+?)\s*$", text, flags=re.MULTILINE)
    return match.group(1) if match else None


def parse_extraction_config(text: str, *, filename: str) -> ExtractionConfig:
    """Parameter YAML text -> ExtractionConfig; header comments give ``# name:``, ``# version:``.

    The parameters are validated by PyRadiomics' own schema; InputError if they do not pass.
    """
    name = _header_value(text, "name")
    version = _header_value(text, "version")
    if not name or not version:
        raise InputError(
            "the parameter file needs '# name: ...' and '# version: ...' comment lines",
            filename=filename,
        )
    try:
        params = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(
            f"the parameter file is not valid YAML ({exc})", filename=filename
        ) from exc
    if not isinstance(params, dict):
        raise InputError("the parameter file is not a YAML mapping", filename=filename)
    _radiomics_extractor(params, filename=filename)
    description = _header_value(text, "description") or ""
    return ExtractionConfig(
        name=name,
        version=str(version),
        params_text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        description=description,
    )


def load_extraction_config(path: str | Path) -> ExtractionConfig:
    """Read a parameter YAML file -> ExtractionConfig (InputError names the file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"the parameter file could not be read ({exc})", filename=path.name
        ) from exc
    return parse_extraction_config(text, filename=path.name)


def bundled_config(name: str = DEFAULT_CONFIG) -> ExtractionConfig:
    """One of DART's configurations in ``imaging/configs/`` by name."""
    path = CONFIG_DIR / f"{name}.yaml"
    if not path.is_file():
        raise InputError(f"DART has no extraction configuration named '{name}'", filename=path.name)
    return load_extraction_config(path)


def effective_settings(config: ExtractionConfig) -> dict[str, Any]:
    """The parameters that decide feature values, in canonical form, for comparing configurations.

    Image types, feature classes (None = all) and settings; the label and ``additionalInfo`` do not
    change values and are left out.
    """
    params = config.params
    settings = dict(params.get("setting") or {})
    for key in ("label", "additionalInfo", "label_channel"):
        settings.pop(key, None)
    image_types = {k: (v or {}) for k, v in (params.get("imageType") or {"Original": {}}).items()}
    classes = params.get("featureClass") or {}
    return {
        "imageType": image_types,
        "featureClass": {k: sorted(v) if v else None for k, v in classes.items()},
        "setting": settings,
    }


def _radiomics_extractor(params: dict[str, Any], *, filename: str) -> Any:
    from radiomics import featureextractor  # heavy import, only when extracting

    try:
        with _quiet_radiomics():
            return featureextractor.RadiomicsFeatureExtractor(copy.deepcopy(params))
    except Exception as exc:  # pykwalify raises its own SchemaError types
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"PyRadiomics refuses the parameters ({reason})", filename=filename
        ) from exc


def feature_names_for(config: ExtractionConfig) -> list[str]:
    """The feature names PyRadiomics (the installed version) computes under ``config``, in order.

    Deprecated features are left out, as PyRadiomics does. Shape is computed on the original image
    only; LoG names follow PyRadiomics (``log-sigma-<sigma with '.' -> '-'>-mm-3D``).
    """
    from radiomics import getFeatureClasses

    params = config.params
    classes = getFeatureClasses()
    enabled = params.get("featureClass") or {k: None for k in classes if k != "shape2D"}
    image_prefixes: list[str] = []
    for image_type, args in (params.get("imageType") or {"Original": {}}).items():
        args = args or {}
        if image_type == "Original":
            image_prefixes.append("original")
        elif image_type == "LoG":
            for sigma in args.get("sigma", (params.get("setting") or {}).get("sigma", [])):
                image_prefixes.append(f"log-sigma-{str(sigma).replace('.', '-')}-mm-3D")
        elif image_type in ("Square", "SquareRoot", "Logarithm", "Exponential", "Gradient"):
            image_prefixes.append(image_type.lower())
        else:  # Wavelet and LBP names depend on runtime options; ask PyRadiomics by extracting
            raise InputError(
                f"feature names for image type {image_type} are not listed by DART",
                filename=f"{config.name}.yaml",
            )
    names: list[str] = []
    for cls_name, selected in enabled.items():
        cls = classes[cls_name]
        available = [n for n, deprecated in cls.getFeatureNames().items() if not deprecated]
        chosen = [n for n in available if not selected or n in selected]
        if cls_name.startswith("shape"):
            names.extend(f"original_{cls_name}_{n}" for n in sorted(chosen))
            continue
        for prefix in image_prefixes:
            names.extend(f"{prefix}_{cls_name}_{n}" for n in sorted(chosen))
    return names


# --- reading images safely -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImageMaskCheck:
    """What the check of an image and its mask found."""

    image_format: str
    mask_format: str
    size: tuple[int, ...]
    spacing_mm: tuple[float, ...]
    label: int
    labels_present: tuple[int, ...]
    voxel_count: int
    volume_ml: float


def _detect_format(path: Path, filename: str) -> str:
    """'NRRD' or 'NIfTI' from the file's first bytes, never from its name."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(544)
    except OSError as exc:
        raise InputError(f"the file could not be read ({exc.strerror})", filename=filename) from exc
    if size == 0:
        raise InputError("the file is empty", filename=filename)
    if size > MAX_IMAGE_BYTES:
        raise InputError(
            f"the file is {size / 1024**3:.1f} GiB; DART accepts images up to "
            f"{MAX_IMAGE_BYTES // 1024**3} GiB",
            filename=filename,
        )
    if head.startswith(b"NRRD000"):
        _check_nrrd_header(path, filename)
        return "NRRD"
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                head = gz.read(544)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError("the file is a damaged gzip archive", filename=filename) from exc
    if len(head) >= 348:
        for order in ("little", "big"):
            sizeof_hdr = int.from_bytes(head[:4], order)  # type: ignore[arg-type]
            if sizeof_hdr == 348 and head[344:348] == b"n+1\x00":
                _check_nifti_complete(path, filename, head, order, version=1)
                return "NIfTI"
            if sizeof_hdr == 540 and head[4:8] == b"n+2\x00":
                _check_nifti_complete(path, filename, head, order, version=2)
                return "NIfTI"
            if sizeof_hdr == 348 and head[344:348] == b"ni1\x00":
                raise InputError(
                    "this is a two-file NIfTI (.hdr/.img); upload a single .nii or .nii.gz",
                    filename=filename,
                )
    raise InputError(
        "the file is not an NRRD or NIfTI image (DART reads .nrrd, .nii and .nii.gz)",
        filename=filename,
    )


def _check_nifti_complete(
    path: Path, filename: str, head: bytes, order: str, *, version: int
) -> None:
    """ITK fills a truncated NIfTI with zeros without complaint; check the length ourselves."""
    endian = "<" if order == "little" else ">"
    if version == 1:
        dims = struct.unpack(endian + "8h", head[40:56])
        bitpix = struct.unpack(endian + "h", head[72:74])[0]
        offset = int(struct.unpack(endian + "f", head[108:112])[0])
    else:
        dims = struct.unpack(endian + "8q", head[16:80])
        bitpix = struct.unpack(endian + "h", head[14:16])[0]
        offset = struct.unpack(endian + "q", head[168:176])[0]
    ndim = dims[0]
    if not 1 <= ndim <= 7 or bitpix <= 0 or any(d < 1 for d in dims[1 : ndim + 1]):
        raise InputError("the NIfTI header is damaged (impossible dimensions)", filename=filename)
    voxels = math.prod(dims[1 : ndim + 1])
    if voxels > MAX_VOXELS:
        raise InputError(
            f"the image has {voxels:,} voxels; DART accepts at most {MAX_VOXELS:,}",
            filename=filename,
        )
    expected = max(offset, 348) + voxels * bitpix // 8
    length = 0
    try:
        opener = gzip.open if _is_gzip(path) else open
        with opener(path, "rb") as fh:  # type: ignore[operator]
            while chunk := fh.read(4 * 1024 * 1024):
                length += len(chunk)
                if length >= expected:
                    break
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError("the NIfTI pixel data is damaged or truncated", filename=filename) from exc
    if length < expected:
        raise InputError("the NIfTI pixel data is damaged or truncated", filename=filename)


def _check_nrrd_header(path: Path, filename: str) -> None:
    """Refuse detached NRRD data: a header pointing at other files on the server."""
    with path.open("rb") as fh:
        header = b""
        for _ in range(200):
            line = fh.readline(4096)
            if not line or line in (b"\n", b"\r\n"):
                break
            header += line
    if re.search(rb"^data ?file\s*:", header, flags=re.MULTILINE | re.IGNORECASE):
        raise InputError(
            "this NRRD keeps its pixel data in another file; upload a single attached .nrrd",
            filename=filename,
        )


@contextlib.contextmanager
def _readable_name(path: Path, fmt: str) -> Iterator[Path]:
    """ITK picks readers by file extension; give uploads stored under other names the right one."""
    name = path.name.lower()
    wanted = (".nrrd",) if fmt == "NRRD" else (".nii", ".nii.gz")
    if name.endswith(wanted):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="dart-img-") as tmp:
        suffix = ".nrrd" if fmt == "NRRD" else (".nii.gz" if _is_gzip(path) else ".nii")
        link = Path(tmp) / f"image{suffix}"
        os.symlink(path.resolve(), link)
        yield link


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def read_image(path: str | Path, *, filename: str | None = None) -> tuple[sitk.Image, str]:
    """Read a 3D scalar NRRD/NIfTI image -> (image, format); InputError for anything else."""
    path = Path(path)
    filename = filename or path.name
    fmt = _detect_format(path, filename)
    reader = sitk.ImageFileReader()
    reader.SetImageIO("NrrdImageIO" if fmt == "NRRD" else "NiftiImageIO")
    with _readable_name(path, fmt) as readable:
        reader.SetFileName(str(readable))
        try:
            reader.ReadImageInformation()
        except RuntimeError as exc:
            raise InputError(
                f"the {fmt} header is damaged and could not be read", filename=filename
            ) from exc
        dims = reader.GetDimension()
        size = reader.GetSize()
        if reader.GetNumberOfComponents() != 1:
            raise InputError(
                f"the image has {reader.GetNumberOfComponents()} components per voxel; "
                "DART needs a single-channel (grey-level or label) image",
                filename=filename,
            )
        if dims != 3 and not (dims == 4 and size[3] == 1):
            raise InputError(f"the image is {dims}D; DART needs a 3D volume", filename=filename)
        voxels = math.prod(size)
        if voxels > MAX_VOXELS:
            raise InputError(
                f"the image has {voxels:,} voxels; DART accepts at most {MAX_VOXELS:,}",
                filename=filename,
            )
        if voxels == 0:
            raise InputError("the image has no voxels", filename=filename)
        try:
            image = reader.Execute()
        except RuntimeError as exc:
            raise InputError(
                f"the {fmt} pixel data is damaged or truncated", filename=filename
            ) from exc
    if image.GetDimension() == 4:
        image = image[:, :, :, 0]
    return image, fmt


def _grid_difference(image: sitk.Image, mask: sitk.Image) -> str | None:
    """None when both share one voxel grid, else a sentence saying how they differ."""
    if image.GetSize() != mask.GetSize():
        return (
            f"the mask is {_fmt_vec(mask.GetSize())} voxels "
            f"but the image is {_fmt_vec(image.GetSize())}"
        )
    spacing = np.array(image.GetSpacing())
    tol = GRID_TOLERANCE * spacing
    if np.any(np.abs(np.array(mask.GetSpacing()) - spacing) > tol):
        return (
            f"the mask spacing {_fmt_vec(mask.GetSpacing())} mm differs from the image spacing "
            f"{_fmt_vec(image.GetSpacing())} mm"
        )
    if np.any(np.abs(np.array(mask.GetOrigin()) - np.array(image.GetOrigin())) > tol.min()):
        return (
            f"the mask origin {_fmt_vec(mask.GetOrigin())} mm differs from the image origin "
            f"{_fmt_vec(image.GetOrigin())} mm"
        )
    if np.any(
        np.abs(np.array(mask.GetDirection()) - np.array(image.GetDirection())) > DIRECTION_TOLERANCE
    ):
        return "the mask is oriented differently from the image (direction cosines differ)"
    return None


def _fmt_vec(values: Any) -> str:
    return " x ".join(f"{v:g}" for v in values)


def _mask_array(mask: sitk.Image, filename: str) -> np.ndarray:
    array = sitk.GetArrayViewFromImage(mask)
    if not np.issubdtype(array.dtype, np.integer):
        if not np.all(np.isfinite(array)) or not np.all(np.equal(np.mod(array, 1), 0)):
            raise InputError(
                "the mask has non-integer values; DART needs a label map, not a probability map",
                filename=filename,
            )
    return array


def _load_pair(
    image_path: str | Path,
    mask_path: str | Path,
    *,
    filename_image: str | None,
    filename_mask: str | None,
    label: int,
) -> tuple[sitk.Image, sitk.Image, ImageMaskCheck]:
    filename_image = filename_image or Path(image_path).name
    filename_mask = filename_mask or Path(mask_path).name
    image, image_fmt = read_image(image_path, filename=filename_image)
    mask, mask_fmt = read_image(mask_path, filename=filename_mask)
    difference = _grid_difference(image, mask)
    if difference:
        raise InputError(
            f"{difference}; the mask must be on the image's grid", filename=filename_mask
        )
    array = _mask_array(mask, filename_mask)
    values, counts = np.unique(array, return_counts=True)
    present = tuple(int(v) for v in values if v != 0)
    if not present:
        raise InputError("the mask is empty: no voxel carries a label", filename=filename_mask)
    if label not in present:
        raise InputError(
            f"the mask has no voxel with label {label} (labels present: "
            f"{', '.join(map(str, present[:20]))})",
            filename=filename_mask,
        )
    voxel_count = int(counts[list(values).index(label)])
    voxel_ml = math.prod(image.GetSpacing()) / 1000.0
    check = ImageMaskCheck(
        image_format=image_fmt,
        mask_format=mask_fmt,
        size=tuple(image.GetSize()),
        spacing_mm=tuple(image.GetSpacing()),
        label=label,
        labels_present=present,
        voxel_count=voxel_count,
        volume_ml=voxel_count * voxel_ml,
    )
    return image, mask, check


def check_image_and_mask(
    image_path: str | Path,
    mask_path: str | Path,
    *,
    filename_image: str,
    filename_mask: str,
    label: int = 1,
) -> ImageMaskCheck:
    """Check that both files are NRRD/NIfTI 3D images on one grid and the mask has ``label``.

    Returns what was found (sizes, labels, voxel count, volume); InputError names the file and
    the reason otherwise.
    """
    return _load_pair(
        image_path,
        mask_path,
        filename_image=filename_image,
        filename_mask=filename_mask,
        label=label,
    )[2]


def unpack_image_mask_zip(
    zip_path: str | Path, *, filename: str, dest_dir: str | Path
) -> tuple[Path, Path]:
    """A zip holding one image and one mask -> (image path, mask path) unpacked into ``dest_dir``.

    The mask is the file whose name contains mask, label, seg, roi or lesion. Paths inside the zip
    are ignored (no traversal); sizes and compression ratios are capped.
    """
    dest = Path(dest_dir)
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError("the file is not a readable zip archive", filename=filename) from exc
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not Path(m.filename).name.startswith(".")
            and "__MACOSX" not in m.filename
        ]
        if len(members) > MAX_ZIP_MEMBERS:
            raise InputError(f"the zip holds {len(members)} files; expected 2", filename=filename)
        images = [m for m in members if m.filename.lower().endswith(_IMAGE_SUFFIXES)]
        if len(images) != 2:
            names = ", ".join(Path(m.filename).name for m in members) or "nothing"
            raise InputError(
                f"the zip must hold exactly one image and one mask (.nrrd, .nii or .nii.gz); "
                f"it holds {names}",
                filename=filename,
            )
        masks = [m for m in images if _MASK_WORDS.search(Path(m.filename).name)]
        if len(masks) != 1:
            raise InputError(
                "cannot tell the mask from the image: exactly one file name must contain "
                "'mask', 'label', 'seg', 'roi' or 'lesion'",
                filename=filename,
            )
        out: dict[str, Path] = {}
        for member in images:
            if member.file_size > MAX_IMAGE_BYTES or member.file_size > MAX_ZIP_RATIO * max(
                member.compress_size, 1
            ):
                raise InputError(
                    f"{Path(member.filename).name} inside the zip is too large or too compressed",
                    filename=filename,
                )
            role = "mask" if member is masks[0] else "image"
            base = Path(member.filename).name
            suffix = ".nii.gz" if base.lower().endswith(".nii.gz") else Path(base).suffix.lower()
            target = dest / f"{role}{suffix}"
            try:
                with archive.open(member) as src, target.open("wb") as dst:
                    remaining = MAX_IMAGE_BYTES
                    while chunk := src.read(1024 * 1024):
                        remaining -= len(chunk)
                        if remaining < 0:
                            raise InputError(
                                "an image inside the zip is too large", filename=filename
                            )
                        dst.write(chunk)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                raise InputError(f"{base} inside the zip is damaged", filename=filename) from exc
            out[role] = target
    return out["image"], out["mask"]


# --- feature extraction --------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureSet:
    """Radiomics features of one lesion and how they were computed.

    ``standardisation`` is 'none' for raw values as PyRadiomics computes them, 'cohort' for values
    rescaled over a cohort (models trained on raw values refuse those).
    """

    features: dict[str, float]
    config: ExtractionConfig
    pyradiomics_version: str
    simpleitk_version: str
    label: int = 1
    image_filename: str = ""
    mask_filename: str = ""
    standardisation: str = "none"
    check: ImageMaskCheck | None = None
    diagnostics: dict[str, str] = field(default_factory=dict)

    def extraction_summary(self) -> dict[str, Any]:
        """What a prediction stores about the extraction it used."""
        return {
            "config_name": self.config.name,
            "config_version": self.config.version,
            "params_sha256": self.config.sha256,
            "pyradiomics_version": self.pyradiomics_version,
            "simpleitk_version": self.simpleitk_version,
            "standardisation": self.standardisation,
            "image": self.image_filename,
            "mask": self.mask_filename,
            "label": self.label,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: non-finite values become None."""
        return {
            "features": {k: (v if math.isfinite(v) else None) for k, v in self.features.items()},
            "extraction": self.extraction_summary(),
            "config": self.config.to_dict(),
            "diagnostics": self.diagnostics,
        }


def pyradiomics_version() -> str:
    import radiomics

    return str(radiomics.__version__).lstrip("v")


def _filtered_image_count(params: dict[str, Any]) -> int:
    """How many (filtered) images PyRadiomics computes features on: one per LoG sigma, else one."""
    total = 0
    for image_type, args in (params.get("imageType") or {"Original": {}}).items():
        if image_type == "LoG":
            sigmas = (args or {}).get("sigma") or (params.get("setting") or {}).get("sigma") or []
            total += max(len(sigmas), 1)
        elif image_type == "Wavelet":
            total += 8  # 2**3 sub-bands at level 1 in 3D
        else:
            total += 1
    return total


@contextlib.contextmanager
def _quiet_radiomics() -> Iterator[None]:
    """PyRadiomics logs routine notes as warnings on stderr; keep them out of the job logs."""
    loggers = [logging.getLogger(name) for name in ("radiomics", "pykwalify")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def extract_features(
    image_path: str | Path,
    mask_path: str | Path,
    *,
    config: ExtractionConfig,
    progress: Callable[[float], None] | None = None,
    label: int | None = None,
    filename_image: str | None = None,
    filename_mask: str | None = None,
) -> FeatureSet:
    """Image + mask files -> FeatureSet of PyRadiomics features under ``config``.

    ``progress`` is called with the fraction done (0.0 ... 1.0). ``label`` defaults to the
    configuration's label (else 1). InputError for bad files or a lesion PyRadiomics cannot use.
    """
    params = config.params
    label = label if label is not None else int((params.get("setting") or {}).get("label", 1))
    filename_image = filename_image or Path(image_path).name
    filename_mask = filename_mask or Path(mask_path).name
    image, mask, check = _load_pair(
        image_path,
        mask_path,
        filename_image=filename_image,
        filename_mask=filename_mask,
        label=label,
    )
    if mask.GetPixelID() not in (
        sitk.sitkUInt8,
        sitk.sitkInt8,
        sitk.sitkUInt16,
        sitk.sitkInt16,
        sitk.sitkUInt32,
        sitk.sitkInt32,
    ):
        mask = sitk.Cast(mask, sitk.sitkUInt32)
    extractor = _radiomics_extractor(params, filename=f"{config.name}.yaml")
    total = _filtered_image_count(params)
    done = [0]
    if progress:
        progress(0.0)
        original_compute = extractor.computeFeatures

        def compute_and_report(*args: Any, **kwargs: Any) -> Any:
            result = original_compute(*args, **kwargs)
            done[0] += 1
            progress(min(done[0] / total, 0.99))
            return result

        extractor.computeFeatures = compute_and_report
    try:
        with _quiet_radiomics():
            result = extractor.execute(image, mask, label=label)
    except ValueError as exc:  # PyRadiomics' checkMask: ROI too small, one-dimensional, ...
        raise InputError(
            f"PyRadiomics cannot use label {label} of this mask ({exc})", filename=filename_mask
        ) from exc
    features: dict[str, float] = {}
    diagnostics: dict[str, str] = {}
    for key, value in result.items():
        if key.startswith("diagnostics_"):
            diagnostics[key] = str(value)
        else:
            features[key] = float(value)
    if progress:
        progress(1.0)
    return FeatureSet(
        features=features,
        config=config,
        pyradiomics_version=pyradiomics_version(),
        simpleitk_version=sitk.Version_VersionString(),
        label=label,
        image_filename=filename_image,
        mask_filename=filename_mask,
        standardisation="none",
        check=check,
        diagnostics=diagnostics,
    )


# --- picture -------------------------------------------------------------------------------------


def largest_slice_png(
    image_path: str | Path,
    mask_path: str | Path,
    *,
    label: int = 1,
    filename_image: str | None = None,
    filename_mask: str | None = None,
) -> bytes:
    """PNG of the axial slice with the largest lesion area: whole slice and a zoom, mask outlined.

    "Axial" is the image's third index axis (the slice axis of CT/MR volumes as stored).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    image, mask, _check = _load_pair(
        image_path,
        mask_path,
        filename_image=filename_image,
        filename_mask=filename_mask,
        label=label,
    )
    pixels = sitk.GetArrayViewFromImage(image)  # z, y, x
    lesion = sitk.GetArrayViewFromImage(mask) == label
    areas = lesion.reshape(lesion.shape[0], -1).sum(axis=1)
    z = int(np.argmax(areas))
    sx, sy = image.GetSpacing()[0], image.GetSpacing()[1]
    slice_px = np.asarray(pixels[z], dtype=float)
    slice_mask = np.asarray(lesion[z], dtype=float)
    low, high = np.percentile(slice_px, [1, 99])
    if high <= low:
        high = low + 1
    ny, nx = slice_px.shape
    extent = (0, nx * sx, ny * sy, 0)

    ys, xs = np.nonzero(slice_mask)
    cy, cx = ys.mean() * sy, xs.mean() * sx
    half = max(30.0, 1.5 * max((np.ptp(ys) + 1) * sy, (np.ptp(xs) + 1) * sx))

    fig = Figure(figsize=(8, 4.2), dpi=100)
    axes = fig.subplots(1, 2)
    for ax in axes:
        ax.imshow(
            slice_px, cmap="gray", vmin=low, vmax=high, extent=extent, interpolation="nearest"
        )
        ax.contour(
            np.linspace(sx / 2, nx * sx - sx / 2, nx),
            np.linspace(sy / 2, ny * sy - sy / 2, ny),
            slice_mask,
            levels=[0.5],
            colors="red",
            linewidths=1.2,
        )
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].add_patch(
        Rectangle((cx - half, cy - half), 2 * half, 2 * half, fill=False, edgecolor="yellow", lw=1)
    )
    axes[1].set_xlim(max(cx - half, 0), min(cx + half, nx * sx))
    axes[1].set_ylim(min(cy + half, ny * sy), max(cy - half, 0))
    area_mm2 = float(areas[z]) * sx * sy
    fig.suptitle(
        f"slice {z + 1} of {pixels.shape[0]}: largest lesion area {area_mm2:.0f} mm² "
        f"(label {label})",
        fontsize=10,
    )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        metadata={
            "Title": "DART largest lesion slice",
            "Description": f"slice index {z} (0-based)",
        },
    )
    return buffer.getvalue()
