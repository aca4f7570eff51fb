from django import forms

from imaging.science.extraction import CONFIG_DIR, DEFAULT_CONFIG


def config_choices() -> list[tuple[str, str]]:
    return [(p.stem, p.stem) for p in sorted(CONFIG_DIR.glob("*.yaml"))]


class PredictionsForm(forms.Form):
    file = forms.FileField(help_text="Imaging predictions JSON or CSV (docs/imaging-format.md)")


class ImageMaskForm(forms.Form):
    image = forms.FileField(required=False, help_text="NRRD or NIfTI (.nrrd, .nii, .nii.gz)")
    mask = forms.FileField(required=False, help_text="Lesion mask on the image's grid")
    archive = forms.FileField(required=False, help_text="Or one zip holding image and mask")
    config_name = forms.ChoiceField(choices=config_choices, initial=DEFAULT_CONFIG, required=False)
    timepoint = forms.CharField(max_length=64, required=False, initial="baseline")
    modality = forms.ChoiceField(
        choices=[("CT", "CT"), ("MR", "MR"), ("PT", "PET"), ("OT", "other")],
        initial="CT",
        required=False,
    )
    label = forms.IntegerField(min_value=1, max_value=65535, initial=1, required=False)

    def register_arguments(self) -> dict:
        """The cleaned form as keyword arguments of ``imaging_upload_register``."""
        data = self.cleaned_data
        return {
            "image": data.get("image"),
            "mask": data.get("mask"),
            "zip": data.get("archive"),
            "config_name": data["config_name"],
            "timepoint": data.get("timepoint") or "",
            "modality": data.get("modality") or "",
            "label": data.get("label") or 1,
        }

    def clean(self):
        data = super().clean()
        has_pair = data.get("image") and data.get("mask")
        if data.get("archive") and (data.get("image") or data.get("mask")):
            raise forms.ValidationError("Upload either an image with its mask or a zip, not both.")
        if not data.get("archive") and not has_pair:
            raise forms.ValidationError("Upload an image and its mask, or one zip holding both.")
        data["config_name"] = data.get("config_name") or DEFAULT_CONFIG
        data["label"] = data.get("label") or 1
        return data
