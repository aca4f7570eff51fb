"""Image + mask checks, PyRadiomics extraction under a versioned configuration, slice picture."""

import gzip
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from genomics.io.errors import InputError
from imaging.science import extraction
from imaging.science.extraction import (
    bundled_config,
    check_image_and_mask,
    extract_features,
    feature_names_for,
    largest_slice_png,
    load_extraction_config,
    parse_extraction_config,
    unpack_image_mask_zip,
)


def check(image: Path, mask: Path, **kwargs):
    return check_image_and_mask(
        image, mask, filename_image=image.name, filename_mask=mask.name, **kwargs
    )


# --- accepted input ------------------------------------------------------------------------------


def test_lung1_ct_and_its_lesion_mask_pass_the_check(pyrad_data):
    # Inventory: 512 x 512 x 48 CT, 0.57 x 0.57 x 5 mm, lesion mask of 837 voxels.
    found = check(pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd")
    assert found.image_format == "NRRD" and found.mask_format == "NRRD"
    assert found.size == (512, 512, 48)
    assert found.spacing_mm == pytest.approx((0.5703125, 0.5703125, 5.0))
    assert found.voxel_count == 837
    assert found.volume_ml == pytest.approx(837 * 0.5703125**2 * 5.0 / 1000)


def test_nifti_pairs_pass_even_under_upload_names_without_extension(shared_data, tmp_path):
    nifti = shared_data / "imaging" / "nifti" / "pyradiomics_converted"
    image = tmp_path / "upload-1"
    mask = tmp_path / "upload-2"
    shutil.copy(nifti / "brain1_image.nii.gz", image)
    shutil.copy(nifti / "brain1_label.nii.gz", mask)
    found = check_image_and_mask(
        image, mask, filename_image="brain1_image.nii.gz", filename_mask="brain1_label.nii.gz"
    )
    assert found.image_format == "NIfTI"
    assert found.size == (256, 256, 25)
    assert found.voxel_count == 4137  # inventory: brain1 tumour mask of 4,137 voxels


def test_a_zip_holding_image_and_mask_is_unpacked(pyrad_data, tmp_path):
    archive = tmp_path / "case.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(pyrad_data / "breast1_image.nrrd", "case/breast1_image.nrrd")
        zf.write(pyrad_data / "breast1_label.nrrd", "case/breast1_label.nrrd")
        zf.writestr("case/.DS_Store", b"junk")
    out = tmp_path / "out"
    out.mkdir()
    image, mask = unpack_image_mask_zip(archive, filename="case.zip", dest_dir=out)
    assert (image.name, mask.name) == ("image.nrrd", "mask.nrrd")
    assert check(image, mask).voxel_count == 143  # inventory: breast1 mask of 143 voxels


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"a_image.nrrd": b"x"}, "exactly one image and one mask"),
        ({"a.nrrd": b"x", "b.nrrd": b"y"}, "cannot tell the mask from the image"),
        ({"../../evil_mask.nrrd": b"x", "image.nrrd": b"y", "notes.txt": b"z"}, None),
    ],
)
def test_zips_without_one_image_and_one_mask_are_refused(tmp_path, members, reason):
    archive = tmp_path / "case.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    out = tmp_path / "out"
    out.mkdir()
    if reason is None:  # a path in the zip never escapes the destination
        image, mask = unpack_image_mask_zip(archive, filename="case.zip", dest_dir=out)
        assert image.parent == out and mask.parent == out
        assert not (tmp_path.parent / "evil_mask.nrrd").exists()
        return
    with pytest.raises(InputError, match=reason) as err:
        unpack_image_mask_zip(archive, filename="case.zip", dest_dir=out)
    assert err.value.filename == "case.zip"


def test_a_file_that_is_not_a_zip_is_refused_as_zip(tmp_path):
    bogus = tmp_path / "case.zip"
    bogus.write_bytes(b"PK\x03\x04 but not really")
    with pytest.raises(InputError, match="not a readable zip"):
        unpack_image_mask_zip(bogus, filename="case.zip", dest_dir=tmp_path)


# --- refused input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 600, "scan.png"),
        (b"patient,volume\n1,2\n", "scan.nrrd"),
        (b"DICM" + b"\0" * 600, "scan.dcm"),
    ],
)
def test_files_that_are_not_nrrd_or_nifti_are_refused(pyrad_data, tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        check(path, pyrad_data / "lung1_label.nrrd")
    assert err.value.filename == name
    assert "not an NRRD or NIfTI image" in str(err.value)


def test_an_empty_file_is_refused(pyrad_data, tmp_path):
    path = tmp_path / "empty.nrrd"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty.nrrd: the file is empty"):
        check(path, pyrad_data / "lung1_label.nrrd")


def test_a_mask_on_another_grid_is_refused(pyrad_data):
    with pytest.raises(InputError) as err:
        check(pyrad_data / "lung1_image.nrrd", pyrad_data / "brain1_label.nrrd")
    assert err.value.filename == "brain1_label.nrrd"
    assert "the mask is 256 x 256 x 25 voxels but the image is 512 x 512 x 48" in str(err.value)


def test_a_mask_shifted_by_one_voxel_is_refused(pyrad_data, tmp_path):
    mask = sitk.ReadImage(str(pyrad_data / "breast1_label.nrrd"))
    origin = list(mask.GetOrigin())
    origin[2] += mask.GetSpacing()[2]
    mask.SetOrigin(origin)
    shifted = tmp_path / "shifted_label.nrrd"
    sitk.WriteImage(mask, str(shifted))
    with pytest.raises(InputError, match="the mask origin .* differs from the image origin"):
        check(pyrad_data / "breast1_image.nrrd", shifted)


def test_a_mask_with_other_spacing_is_refused(pyrad_data, tmp_path):
    mask = sitk.ReadImage(str(pyrad_data / "breast1_label.nrrd"))
    mask.SetSpacing([s * 1.01 for s in mask.GetSpacing()])
    other = tmp_path / "respaced_label.nrrd"
    sitk.WriteImage(mask, str(other))
    with pytest.raises(InputError, match="spacing"):
        check(pyrad_data / "breast1_image.nrrd", other)


def test_an_empty_mask_is_refused(pyrad_data, tmp_path):
    mask = sitk.ReadImage(str(pyrad_data / "breast1_label.nrrd"))
    empty = sitk.Image(mask.GetSize(), mask.GetPixelID())
    empty.CopyInformation(mask)
    path = tmp_path / "empty_label.nrrd"
    sitk.WriteImage(empty, str(path))
    with pytest.raises(InputError, match="empty_label.nrrd: the mask is empty"):
        check(pyrad_data / "breast1_image.nrrd", path)


def test_a_missing_label_names_the_labels_present(pyrad_data):
    # Inventory: the prostate phantom mask carries labels 1, 7, 8 and 9.
    image = pyrad_data / "prostate_phantom_subvolume.nrrd"
    mask = pyrad_data / "prostate_phantom_subvolume-label.nrrd"
    with pytest.raises(InputError, match=r"no voxel with label 2 \(labels present: 1, 7, 8, 9\)"):
        check(image, mask, label=2)
    assert check(image, mask, label=7).labels_present == (1, 7, 8, 9)


def test_a_probability_map_is_not_a_mask(pyrad_data, tmp_path):
    mask = sitk.Cast(sitk.ReadImage(str(pyrad_data / "breast1_label.nrrd")), sitk.sitkFloat32) * 0.7
    path = tmp_path / "prob_label.nrrd"
    sitk.WriteImage(mask, str(path))
    with pytest.raises(InputError, match="non-integer values"):
        check(pyrad_data / "breast1_image.nrrd", path)


def test_truncated_files_are_refused_as_damaged(shared_data, pyrad_data, tmp_path):
    nrrd = (pyrad_data / "breast1_image.nrrd").read_bytes()
    cut = tmp_path / "cut_image.nrrd"
    cut.write_bytes(nrrd[: len(nrrd) // 2])
    with pytest.raises(InputError, match="cut_image.nrrd: the NRRD pixel data is damaged"):
        check(cut, pyrad_data / "breast1_label.nrrd")
    nii = (shared_data / "imaging/nifti/pyradiomics_converted/brain1_image.nii.gz").read_bytes()
    cut_nii = tmp_path / "cut_image.nii.gz"
    cut_nii.write_bytes(nii[: len(nii) // 2])
    with pytest.raises(InputError, match="cut_image.nii.gz: the NIfTI pixel data is damaged"):
        check(cut_nii, pyrad_data / "brain1_label.nrrd")


def test_a_gzip_that_is_not_nifti_is_refused(pyrad_data, tmp_path):
    path = tmp_path / "scan.nii.gz"
    path.write_bytes(gzip.compress(b"hello world" * 100))
    with pytest.raises(InputError, match="not an NRRD or NIfTI"):
        check(path, pyrad_data / "lung1_label.nrrd")


def test_a_detached_nrrd_header_pointing_at_server_files_is_refused(pyrad_data, tmp_path):
    header = tmp_path / "scan.nrrd"
    header.write_bytes(
        b"NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n"
        b"data file: /etc/passwd\n\n"
    )
    with pytest.raises(InputError, match="keeps its pixel data in another file"):
        check(header, pyrad_data / "lung1_label.nrrd")


def test_huge_images_are_refused_before_their_pixels_are_read(pyrad_data, monkeypatch):
    monkeypatch.setattr(extraction, "MAX_VOXELS", 1_000_000)
    with pytest.raises(InputError, match="12,582,912 voxels; DART accepts at most 1,000,000"):
        check(pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd")
    monkeypatch.setattr(extraction, "MAX_IMAGE_BYTES", 1000)
    with pytest.raises(InputError, match="lung1_image.nrrd: the file is"):
        check(pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd")


def test_a_2d_image_is_refused(tmp_path):
    flat = sitk.Image([8, 8], sitk.sitkInt16)
    path = tmp_path / "flat.nrrd"
    sitk.WriteImage(flat, str(path))
    with pytest.raises(InputError, match="flat.nrrd: the image is 2D"):
        check(path, path)


# --- configuration -------------------------------------------------------------------------------


def test_the_bundled_config_is_named_versioned_and_hashed(bundled_config_path):
    config = bundled_config()
    assert (config.name, config.version) == ("hosny2018-pyrad3", "1")
    assert config.params_text == bundled_config_path.read_text()
    import hashlib

    assert config.sha256 == hashlib.sha256(bundled_config_path.read_bytes()).hexdigest()
    setting = config.params["setting"]
    assert setting["binWidth"] == 25 and setting["resampledPixelSpacing"] == [3, 3, 3]
    assert set(config.params["imageType"]) == {
        "Original",
        "LoG",
        "Square",
        "SquareRoot",
        "Logarithm",
        "Exponential",
    }


def test_a_parameter_file_without_name_and_version_is_refused(shared_data):
    with pytest.raises(InputError, match="Params.yaml: the parameter file needs '# name: ...'"):
        load_extraction_config(shared_data / "imaging/pyradiomics/params/Params.yaml")


def test_parameters_pyradiomics_refuses_are_refused():
    text = "# name: x\n# version: 1\nsetting:\n  binWidth: -3\n"
    with pytest.raises(InputError, match="x.yaml: PyRadiomics refuses the parameters"):
        parse_extraction_config(text, filename="x.yaml")


# --- extraction ----------------------------------------------------------------------------------


def test_brain1_features_match_the_inventory_values(shared_data, pyrad_data):
    # Params.yaml (PyRadiomics example) with DART's name/version header; the inventory lists
    # MeshVolume 16147.51, firstorder Mean 825.235, glcm Contrast 47.492 for brain1.
    text = (shared_data / "imaging/pyradiomics/params/Params.yaml").read_text()
    config = parse_extraction_config(
        "# name: upstream-params\n# version: 0\n" + text, filename="Params.yaml"
    )
    seen: list[float] = []
    features = extract_features(
        pyrad_data / "brain1_image.nrrd",
        pyrad_data / "brain1_label.nrrd",
        config=config,
        progress=seen.append,
    )
    assert len(features.features) == 100  # inventory: 100 features with Params.yaml
    assert features.features["original_shape_MeshVolume"] == pytest.approx(16147.51, abs=0.01)
    assert features.features["original_firstorder_Mean"] == pytest.approx(825.235, abs=1e-3)
    assert features.features["original_glcm_Contrast"] == pytest.approx(47.492, abs=1e-3)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert features.config is config
    assert features.pyradiomics_version == "3.1.4"
    assert features.standardisation == "none"


def test_dart_config_on_lung1_computes_exactly_the_listed_features(pyrad_data):
    config = bundled_config()
    seen: list[float] = []
    features = extract_features(
        pyrad_data / "lung1_image.nrrd",
        pyrad_data / "lung1_label.nrrd",
        config=config,
        progress=seen.append,
    )
    assert set(features.features) == set(feature_names_for(config))
    assert len(features.features) == 944
    # Hosny-style names: integer LoG sigmas, simple filters, no gldzm, no Compactness.
    assert "log-sigma-1-mm-3D_firstorder_Mean" in features.features
    assert "squareroot_glszm_ZoneEntropy" in features.features
    assert not any("gldzm" in n or "Compactness" in n for n in features.features)
    assert len(seen) == 12 and seen[-1] == 1.0  # 0, one per filtered image (10), then 1
    summary = features.extraction_summary()
    assert (
        summary["config_name"] == "hosny2018-pyrad3" and summary["params_sha256"] == config.sha256
    )
    stored = features.to_dict()
    assert stored["config"]["params_text"] == config.params_text
    assert features.diagnostics["diagnostics_Mask-interpolated_Spacing"] == "(3.0, 3.0, 3.0)"


def test_largest_slice_png_outlines_the_lesion(pyrad_data):
    png = largest_slice_png(pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    import io

    import matplotlib.image

    picture = matplotlib.image.imread(io.BytesIO(png))
    assert picture.shape[:2] == (420, 800)
    # Red outline pixels exist (mask contour drawn in red).
    red = (picture[..., 0] > 0.9) & (picture[..., 1] < 0.2) & (picture[..., 2] < 0.2)
    assert red.sum() > 50


def test_the_largest_slice_is_the_one_with_most_lesion_voxels(pyrad_data):
    import io

    from PIL import Image

    mask = sitk.GetArrayFromImage(sitk.ReadImage(str(pyrad_data / "lung1_label.nrrd")))
    per_slice = (mask == 1).sum(axis=(1, 2))
    png = largest_slice_png(pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd")
    description = Image.open(io.BytesIO(png)).text["Description"]
    assert description == f"slice index {int(np.argmax(per_slice))} (0-based)"
